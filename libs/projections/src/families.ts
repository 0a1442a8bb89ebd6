import type { Redis } from 'ioredis';
import type { Db } from 'mongodb';
import type { DocumentProjection, RedisProjection } from '@eventide/util';
import { GenerationRegistry } from './generation-registry';
import { MongoDocumentSink } from './mongo-document.sink';
import type { ProjectionFamilyDefinition } from './projection-family';
import { redisCompleteMarker } from './read-model-names';
import { RedisSink } from './redis.sink';

const unique = (values: readonly string[]) => [...new Set(values)];

/** A family of MongoDB document views (one collection per view and generation) in `db`. */
export function mongoFamily(name: string, db: Db, projections: readonly DocumentProjection<object>[]): ProjectionFamilyDefinition {
  const registry = new GenerationRegistry(db);
  return {
    name,
    aggregateTypes: unique(projections.map((p) => p.aggregateType)),
    sinks: (generation) => projections.map((p) => new MongoDocumentSink(db, p, generation)),
    isComplete: async (generation, doc) => doc.active === generation && doc.activeComplete,
    markComplete: (generation) => registry.markActiveComplete(name, generation),
  };
}

/**
 * A family of Redis views: one sink per aggregate type, so all views of one event change together.
 * Its bookkeeping lives in MongoDB (`db`), and a marker key in Redis tells whether Redis still holds
 * the generation: after a FLUSHALL the marker is gone and the runtime backfills it.
 */
export function redisFamily(name: string, redis: Redis, db: Db, projections: readonly RedisProjection[]): ProjectionFamilyDefinition {
  const registry = new GenerationRegistry(db);
  const types = unique(projections.map((p) => p.aggregateType));
  return {
    name,
    aggregateTypes: types,
    sinks: (generation) => types.map((t) => new RedisSink(redis, name, projections.filter((p) => p.aggregateType === t), t, generation)),
    isComplete: async (generation, doc) => doc.active === generation && doc.activeComplete && (await redis.exists(redisCompleteMarker(name, generation))) === 1,
    markComplete: async (generation) => {
      await redis.set(redisCompleteMarker(name, generation), new Date().toISOString());
      await registry.markActiveComplete(name, generation);
    },
  };
}
