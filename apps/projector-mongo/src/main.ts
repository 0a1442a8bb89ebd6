import 'reflect-metadata';
import { runService, serviceCatalogue } from '@eventide/service-kit';
import { ProjectorMongoModule } from './projector-mongo.module';

void runService(serviceCatalogue['projector-mongo'], (config) => ProjectorMongoModule.register(config));
