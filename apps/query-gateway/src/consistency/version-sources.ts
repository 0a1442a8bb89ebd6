import type { Redis } from 'ioredis';
import { mongoReadModels } from '@eventide/domain';
import { familyNames } from '@eventide/read-side';
import type { ReadModels } from '../read-models/read-models';

/** One stream a reader may wait for. */
export interface StreamPoint {
  tenant: string;
  aggregateType: string;
  aggregateId: string;
}

/** Reads, for a batch of streams, the version a family's read model has applied (0 for none). */
export interface VersionSource {
  readonly family: string;
  /** Stream categories the family follows. */
  follows(aggregateType: string): boolean;
  /** Name of the read model that answers for this category (named in a 504). */
  projectionFor(aggregateType: string): string;
  versions(points: readonly StreamPoint[]): Promise<number[]>;
}

/**
 * The MongoDB family: a stream's version is the lowest `version` of its documents across every view
 * following its category. The views of one event are separate writes, so a route reading any of them
 * (details or a list) sees the write once the slowest view has it.
 */
export function mongoVersions(readModels: ReadModels): VersionSource {
  const viewsFor = (type: string) => mongoReadModels.filter((p) => p.aggregateType === type).map((p) => p.view);
  return {
    family: familyNames.mongo,
    follows: (type) => viewsFor(type).length > 0,
    projectionFor: (type) => `${familyNames.mongo}/${viewsFor(type).join('+') || '?'}`,
    async versions(points) {
      const lowest = points.map(() => Number.MAX_SAFE_INTEGER);
      const views = [...new Set(points.flatMap((p) => viewsFor(p.aggregateType)))];
      await Promise.all(
        views.map(async (view) => {
          const asked = points.map((p, i) => ({ p, i })).filter(({ p }) => viewsFor(p.aggregateType).includes(view));
          const docs = await readModels.collection(view).find({ _id: { $in: asked.map(({ p }) => readModels.id(p.tenant, p.aggregateId)) } }, { projection: { version: 1 } }).toArray();
          const found = new Map(docs.map((d) => [d._id, d.version]));
          for (const { p, i } of asked) lowest[i] = Math.min(lowest[i] ?? 0, found.get(readModels.id(p.tenant, p.aggregateId)) ?? 0);
        }),
      );
      return lowest.map((v) => (v === Number.MAX_SAFE_INTEGER ? 0 : v));
    },
  };
}

/** The Redis family: a stream's version is its field in the applied-versions hash of its category. */
export function redisVersions(readModels: ReadModels, redis: Redis, followed: readonly string[]): VersionSource {
  return {
    family: familyNames.redis,
    follows: (type) => followed.includes(type),
    projectionFor: () => familyNames.redis,
    async versions(points) {
      const pipeline = redis.pipeline();
      for (const p of points) pipeline.hget(readModels.redisKey(p.tenant, `applied:${p.aggregateType}`), p.aggregateId);
      const replies = (await pipeline.exec()) ?? [];
      return replies.map(([error, value]) => {
        if (error) throw error;
        return value ? Number(value) : 0;
      });
    },
  };
}
