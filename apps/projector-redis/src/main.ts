import 'reflect-metadata';
import { runService, serviceCatalogue } from '@eventide/service-kit';
import { projectorRedisModule } from './projector-redis.module';

void runService(serviceCatalogue['projector-redis'], projectorRedisModule);
