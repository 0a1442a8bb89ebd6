import 'reflect-metadata';
import { runService, serviceCatalogue } from '@eventide/service-kit';
import { projectorMongoModule } from './projector-mongo.module';

void runService(serviceCatalogue['projector-mongo'], projectorMongoModule);
