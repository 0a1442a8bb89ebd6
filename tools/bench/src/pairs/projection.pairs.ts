// Projection events/s: the real projector services (1 replica, from the image tree) draining a
// pre-loaded topic on a fresh consumer group into a fresh generation marked complete, against raw
// kafkajs eachBatch consumption writing the same documents / keys with one bulkWrite / pipeline per batch.
import Redis from 'ioredis';
import { MongoClient, type Db } from 'mongodb';
import { foldedDocs, redisWrites, type RawDoc } from './support/raw-writes';
import type { Admin, Kafka } from 'kafkajs';
import { fromKafkaMessage, topicFor } from '@eventide/messaging';
import { redisCompleteMarker } from '@eventide/projections';
import type { BenchContext, BenchPair, PairFactory, Sample } from '../harness/pair';
import {
  AGGREGATE_TYPES,
  commitDocs,
  dropKafka,
  insertCommits,
  kafkaOf,
  loadTopics,
  redisDb,
  startBenchService,
  stopServices,
  timeDrain,
} from './support/read-load';

const REDIS_DB = 14;
type Family = 'projector-mongo' | 'projector-redis';
/** Redis drains far faster, so it gets more events: a drain must span many offset commits to be timed from the first one. */
const size = (profile: BenchContext['profile'], family: Family) =>
  family === 'projector-mongo' ? (profile === 'quick' ? { products: 120, orders: 120 } : { products: 300, orders: 300 }) : profile === 'quick' ? { products: 600, orders: 600 } : { products: 1200, orders: 1200 };


/** A fresh read model that counts as complete, so what is measured is consumption, not the start-up backfill. */
async function freshGeneration(db: Db, redis: Redis, family: Family): Promise<void> {
  for (const c of await db.listCollections({}, { nameOnly: true }).toArray()) if (c.name.startsWith('rm_') || c.name.startsWith('projection_') || c.name.startsWith('raw_')) await db.dropCollection(c.name);
  await db.collection('projection_generations').insertOne({ _id: family as never, epoch: 1, active: 1, activeComplete: true, acks: {}, updatedAt: new Date() });
  await redis.flushdb();
  await redis.set(redisCompleteMarker(family, 1), 'bench');
}

/** Raw kafkajs: eachBatch, write the batch's documents/keys in one round trip, then commit its offsets. */
async function rawDrain(kafka: Kafka, admin: Admin, ctx: BenchContext, family: Family, db: Db, redis: Redis, groupId: string, total: number, ends: number): Promise<Sample> {
  const consumer = kafka.consumer({ groupId });
  let crashed: unknown;
  consumer.on(consumer.events.CRASH, (event) => {
    crashed = event.payload.error;
  });
  await consumer.connect();
  try {
    for (const t of AGGREGATE_TYPES) await consumer.subscribe({ topic: topicFor(t, ctx.topicPrefix), fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        if (batch.messages.length === 0) return;
        const events = batch.messages.map((m) => fromKafkaMessage(m));
        if (family === 'projector-mongo') {
          // Each document once per batch, its events folded in memory first (as the runtime does per stream).
          for (const [c, docs] of foldedDocs(events)) {
            await db.collection<RawDoc>(c).bulkWrite(
              docs.map(({ _id, ...fields }) => ({ updateOne: { filter: { _id }, update: { $set: fields }, upsert: true } })),
              { ordered: true },
            );
          }
        } else {
          const pipeline = redis.pipeline();
          redisWrites(pipeline, events);
          await pipeline.exec();
        }
        await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(batch.lastOffset()) + 1n).toString() }]);
      },
    });
    const { events, seconds } = await timeDrain(admin, groupId, ctx.topicPrefix, total, ends, 120_000, () => crashed);
    return { value: events / seconds, operations: events };
  } finally {
    await consumer.disconnect();
  }
}

function projectionPair(profile: BenchContext['profile'], family: Family): BenchPair {
  let ctx: BenchContext | undefined;
  let mongo: MongoClient | undefined;
  let redis: Redis | undefined;
  let kafka: Kafka | undefined;
  let admin: Admin | undefined;
  let total = 0;
  let ends = 0;
  let runs = 0;
  const { products, orders } = size(profile, family);
  const need = () => {
    if (!ctx || !mongo || !redis || !kafka || !admin) throw new Error('setup did not run');
    return { ctx, db: mongo.db(ctx.dbName), redis, kafka, admin };
  };
  const kind = family === 'projector-mongo' ? 'MongoDB' : 'Redis';
  return {
    id: `projection-${family === 'projector-mongo' ? 'mongo' : 'redis'}-x1`,
    group: 'projection',
    title: `${kind} projection draining a pre-loaded topic, 1 replica (${products * 5 + orders * 2} events)`,
    unit: 'events/s',
    higherIsBetter: true,
    baselineLabel: family === 'projector-mongo' ? 'raw kafkajs eachBatch, events folded per document, one bulkWrite per view per batch' : 'raw kafkajs eachBatch + one Redis pipeline per batch, same keys',
    goal: 0.7,
    async setup(context) {
      ctx = context;
      mongo = await MongoClient.connect(context.mongoUrl);
      redis = new Redis(redisDb(context, REDIS_DB));
      kafka = kafkaOf(context);
      admin = kafka.admin();
      await admin.connect();
      const docs = commitDocs(context.tenant, products, orders, false);
      await insertCommits(mongo.db(context.dbName), docs);
      total = docs.length;
      ends = await loadTopics(kafka, admin, docs, context.topicPrefix);
    },
    async ours() {
      const { ctx: c, db, redis: r, admin: a } = need();
      await freshGeneration(db, r, family);
      const groupPrefix = `${c.topicPrefix}ours-${++runs}.`;
      const service = await startBenchService(family, c, { KAFKA_GROUP_PREFIX: groupPrefix, REDIS_URL: redisDb(c, REDIS_DB) });
      try {
        const { events, seconds } = await timeDrain(a, `${groupPrefix}${family}`, c.topicPrefix, total, ends, 120_000);
        return { value: events / seconds, operations: events };
      } finally {
        await stopServices([service]);
      }
    },
    async baseline() {
      const { ctx: c, db, redis: r, kafka: k, admin: a } = need();
      await freshGeneration(db, r, family);
      return rawDrain(k, a, c, family, db, r, `${c.topicPrefix}raw-${++runs}`, total, ends);
    },
    async teardown() {
      await redis?.flushdb().catch(() => undefined);
      redis?.disconnect();
      if (mongo && ctx) await mongo.db(ctx.dbName).dropDatabase().catch(() => undefined);
      await mongo?.close();
      await admin?.disconnect();
      if (ctx) await dropKafka(ctx);
    },
  };
}

export const pairs: PairFactory = (profile) => [projectionPair(profile, 'projector-mongo'), projectionPair(profile, 'projector-redis')];
