import 'reflect-metadata';
import { runService, serviceCatalogue } from '@eventide/service-kit';
import { QueryGatewayModule } from './query-gateway.module';

void runService(serviceCatalogue['query-gateway'], (config) => QueryGatewayModule.register(config));
