import type { Redis } from 'ioredis';
import type { Db } from 'mongodb';
import { eventSchemas, mongoReadModels, redisReadModels } from '@eventide/domain';
import { mongoFamily, redisFamily, ProjectionFamily, type ProjectionFamilyDefinition } from '@eventide/projections';
import { EventSchemaRegistry, type MongoEventStore } from '@eventide/event-store';

/** The reference system's projection families, named after the services that run them. */
export const familyNames = { mongo: 'projector-mongo', redis: 'projector-redis' } as const;
export type FamilyName = (typeof familyNames)[keyof typeof familyNames];

/** ProductDetails, ProductSummary, OrderDetails and CustomerOrderHistory in MongoDB. */
export function mongoReadModelFamily(db: Db): ProjectionFamilyDefinition {
  return mongoFamily(familyNames.mongo, db, mongoReadModels);
}

/** Stock levels, dashboard counters, top-selling products and latest orders in Redis. */
export function redisReadModelFamily(redis: Redis, db: Db): ProjectionFamilyDefinition {
  return redisFamily(familyNames.redis, redis, db, redisReadModels);
}

export interface ReadSideConnections {
  db: Db;
  store: MongoEventStore;
  /** Needed for the Redis family only. */
  redis?: Redis;
}

/** A family by name, ready for the runtime or the operator CLI. */
export function referenceFamily(name: string, connections: ReadSideConnections): ProjectionFamily {
  const { db, store, redis } = connections;
  const schemas = new EventSchemaRegistry(eventSchemas);
  if (name === familyNames.mongo) return new ProjectionFamily({ definition: mongoReadModelFamily(db), db, store, schemas });
  if (name === familyNames.redis) {
    if (!redis) throw new Error(`${name} needs REDIS_URL`);
    return new ProjectionFamily({ definition: redisReadModelFamily(redis, db), db, store, schemas });
  }
  throw new Error(`unknown projection family "${name}"; known: ${Object.values(familyNames).join(', ')}`);
}
