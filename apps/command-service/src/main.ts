import 'reflect-metadata';
import { runService, serviceCatalogue } from '@eventide/service-kit';
import { CommandServiceModule } from './command-service.module';

void runService(serviceCatalogue['command-service'], (config) => CommandServiceModule.register(config));
