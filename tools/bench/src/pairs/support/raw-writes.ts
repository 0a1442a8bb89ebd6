// What the read models' projections write, done by hand: the same documents and keys, for the raw baselines.
import type Redis from 'ioredis';
import type { AnyBulkWriteOperation } from 'mongodb';
import type { EventEnvelope } from '@eventide/messaging';
import { readModelId } from '@eventide/projections';

/** The MongoDB family's four views: product details and summary, order details and the customer's history; each conditioned on the version. */
/** A view document of the raw baselines, keyed like the read models (tenant|id). */
export interface RawDoc {
  _id: string;
  [field: string]: unknown;
}

export function mongoWrites(events: EventEnvelope[]): Map<string, AnyBulkWriteOperation<RawDoc>[]> {
  const out = new Map<string, AnyBulkWriteOperation<RawDoc>[]>();
  const add = (collection: string, op: AnyBulkWriteOperation<RawDoc>) => out.set(collection, [...(out.get(collection) ?? []), op]);
  for (const e of events) {
    const { tenant, aggregateId } = e.metadata;
    const _id = readModelId(tenant, aggregateId);
    const doc = { tenant, id: aggregateId, version: e.version, ...(e.data as Record<string, unknown>) };
    const upsert = (collection: string) => add(collection, { updateOne: { filter: { _id }, update: { $set: doc }, upsert: true } });
    if (e.metadata.aggregateType === 'product') {
      upsert('raw_product_details');
      upsert('raw_product_summary');
    } else {
      upsert('raw_order_details');
      add('raw_customer_order_history', { updateOne: { filter: { _id: readModelId(tenant, `c-${aggregateId}`) }, update: { $set: { [`orders.${aggregateId}`]: doc } }, upsert: true } });
    }
  }
  return out;
}

/** The Redis family's keys: a version per stream (its idempotency), stock levels, dashboard counters, top sellers, latest orders. */
export function redisWrites(pipeline: ReturnType<Redis['pipeline']>, events: EventEnvelope[]): void {
  for (const e of events) {
    const { tenant, aggregateId } = e.metadata;
    const key = (name: string) => `raw:{${tenant}}:${name}`;
    pipeline.set(key(`v:${aggregateId}`), e.version);
    const data = e.data as { currentStock?: number; quantity?: number; total?: number; lines?: { productId: string; quantity: number }[] };
    if (e.metadata.aggregateType === 'product') pipeline.hset(key('stock'), aggregateId, data.currentStock ?? data.quantity ?? 0);
    else if (e.type === 'OrderPlaced') {
      pipeline.hincrby(key('dashboard'), 'placed', 1);
      for (const line of data.lines ?? []) pipeline.zincrby(key('top'), line.quantity, line.productId);
      pipeline.zadd(key('latest'), Date.now(), aggregateId);
      pipeline.zremrangebyrank(key('latest'), 0, -51);
    } else pipeline.hincrby(key('dashboard'), 'confirmed', 1);
  }
}

/**
 * The final documents of the same views, folded in memory (a rebuild's ceiling: each document written
 * once, with insertMany). Per-event upserts are hopeless on FerretDB, which scans for each one.
 */
export function foldedDocs(events: EventEnvelope[]): Map<string, RawDoc[]> {
  const views = new Map<string, Map<string, RawDoc>>();
  for (const [collection, ops] of mongoWrites(events)) {
    const docs = views.get(collection) ?? new Map<string, RawDoc>();
    for (const op of ops) {
      if (!('updateOne' in op)) continue;
      const _id = String((op.updateOne.filter as { _id: string })._id);
      const set = ((op.updateOne.update as { $set?: Record<string, unknown> }).$set ?? {}) as Record<string, unknown>;
      const doc: RawDoc = docs.get(_id) ?? { _id };
      for (const [field, value] of Object.entries(set)) {
        const [head, tail] = field.split('.', 2);
        if (tail !== undefined && head !== undefined) doc[head] = { ...(doc[head] as Record<string, unknown> | undefined), [tail]: value };
        else doc[field] = value;
      }
      docs.set(_id, doc);
    }
    views.set(collection, docs);
  }
  return new Map([...views].map(([c, docs]) => [c, [...docs.values()]]));
}
