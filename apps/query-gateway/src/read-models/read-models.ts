import type { Redis } from 'ioredis';
import type { Collection, Db, Document } from 'mongodb';
import { readModelCollection, readModelId, redisReadModelKey, type ActiveGenerations } from '@eventide/projections';
import { familyNames } from '@eventide/read-side';

/** Fields the projection runtime keeps on every MongoDB read-model document. */
export interface StoredReadModel extends Document {
  _id: string;
  tenant: string;
  version: number;
}

/**
 * Where the gateway reads each read model: the active generation's MongoDB collection or Redis
 * keys, always within one tenant. Every accessor takes the tenant, so no query can forget it (G8).
 */
export class ReadModels {
  constructor(
    private readonly db: Db,
    readonly redis: Redis,
    private readonly generations: ActiveGenerations,
  ) {}

  /** The active collection of a MongoDB view, e.g. `product-details`. */
  collection<T extends object>(view: string): Collection<StoredReadModel & T> {
    return this.db.collection<StoredReadModel & T>(readModelCollection(view, this.generations.of(familyNames.mongo)));
  }

  /** A stream's document `_id` within a tenant. */
  id(tenant: string, aggregateId: string): string {
    return readModelId(tenant, aggregateId);
  }

  /** One tenant's document of a view, or null. */
  findOne<T extends object>(view: string, tenant: string, aggregateId: string): Promise<(StoredReadModel & T) | null> {
    return this.collection<T>(view).findOne({ _id: this.id(tenant, aggregateId), tenant, _deleted: { $exists: false } } as never) as Promise<(StoredReadModel & T) | null>;
  }

  /** Full Redis key of a tenant's read-model key in the active generation. */
  redisKey(tenant: string, key: string): string {
    return redisReadModelKey(familyNames.redis, this.generations.of(familyNames.redis), tenant, key);
  }
}
