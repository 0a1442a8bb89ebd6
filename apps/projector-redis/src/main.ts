import 'reflect-metadata';
import { runService, serviceCatalogue } from '@eventide/service-kit';
import { ProjectorRedisModule } from './projector-redis.module';

void runService(serviceCatalogue['projector-redis'], (config) => ProjectorRedisModule.register(config));
