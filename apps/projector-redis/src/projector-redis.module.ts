import type { DynamicModule } from '@nestjs/common';
import { ProjectorModule, redisReadModelFamily } from '@eventide/read-side';
import type { ServiceConfig } from '@eventide/service-kit';

/** Stock levels, dashboard counters, top-selling products and latest orders, kept in Redis. */
export const projectorRedisModule = (config: ServiceConfig): DynamicModule =>
  ProjectorModule.register(config, ({ db, redis }) => {
    if (!redis) throw new Error('projector-redis needs REDIS_URL');
    return redisReadModelFamily(redis, db);
  });
