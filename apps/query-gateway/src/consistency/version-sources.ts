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

/** The MongoDB family: a stream's version is the `version` of its document in the first view following its category. */
export function mongoVersions(readModels: ReadModels): VersionSource {
  const viewFor = (type: string) => mongoReadModels.find((p) => p.aggregateType === type)?.view;
  return {
    family: familyNames.mongo,
    follows: (type) => viewFor(type) !== undefined,
    projectionFor: (type) => `${familyNames.mongo}/${viewFor(type) ?? '?'}`,
    async versions(points) {
      const out = new Map<string, number>();
      const byView = new Map<string, StreamPoint[]>();
      for (const p of points) {
        const view = viewFor(p.aggregateType);
        if (view) byView.set(view, [...(byView.get(view) ?? []), p]);
      }
      for (const [view, list] of byView) {
        const docs = await readModels.collection(view).find({ _id: { $in: list.map((p) => readModels.id(p.tenant, p.aggregateId)) } }, { projection: { version: 1 } }).toArray();
        for (const d of docs) out.set(`${view}|${d._id}`, d.version);
      }
      return points.map((p) => out.get(`${viewFor(p.aggregateType)}|${readModels.id(p.tenant, p.aggregateId)}`) ?? 0);
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
