// Publishing: our outbox publisher (lease, findPending, one Kafka transaction per batch, markPublished)
// draining N pre-appended pending commits, against raw kafkajs sending the same messages (same keys,
// sizes, batches of 500, one transaction per batch, acks -1, idempotent, 1 in flight) with no outbox around it.
import { MongoClient } from 'mongodb';
import type { Admin, Kafka } from 'kafkajs';
import { MongoEventStore } from '@eventide/event-store';
import { ensureTopics, MongoLease, OutboxPublisher, topicFor } from '@eventide/messaging';
import type { BenchContext, BenchPair, PairFactory } from '../harness/pair';
import { markMeasured, nowUs } from '../harness/profiling';
import { AGGREGATE_TYPES, commitDocs, dropKafka, insertCommits, kafkaOf, messagesByTopic, PARTITIONS, schemas } from './support/read-load';

/** The publisher's own default batch (commits per transaction). */
const BATCH = 500;
const size = (profile: BenchContext['profile']) => (profile === 'quick' ? { products: 60, orders: 100 } : { products: 240, orders: 400 });

function publishPair(profile: BenchContext['profile']): BenchPair {
  let ctx: BenchContext | undefined;
  let mongo: MongoClient | undefined;
  let kafka: Kafka | undefined;
  let admin: Admin | undefined;
  let runs = 0;
  const { products, orders } = size(profile);
  const events = products * 5 + orders * 2;
  const need = () => {
    if (!ctx || !mongo || !kafka) throw new Error('setup did not run');
    return { ctx, mongo, kafka };
  };
  return {
    id: 'publish-outbox',
    group: 'publish',
    title: `outbox publisher draining ${events} pending commits (one event each) to Kafka`,
    unit: 'msgs/s',
    higherIsBetter: true,
    baselineLabel: 'raw kafkajs transactional sendBatch, same messages and batches, acks -1',
    goal: 0.8,
    async setup(context) {
      ctx = context;
      mongo = await MongoClient.connect(context.mongoUrl);
      kafka = kafkaOf(context);
      admin = kafka.admin();
      await admin.connect();
      await ensureTopics(admin, AGGREGATE_TYPES.map((t) => topicFor(t, context.topicPrefix)), PARTITIONS, 1);
    },
    async ours() {
      const { ctx: c, mongo: m, kafka: k } = need();
      // A fresh database each time, so no repetition inherits a grown collection; the appends are not timed.
      const db = m.db(`${c.dbName}-${++runs}`);
      await insertCommits(db, commitDocs(c.tenant, products, orders, true));
      const store = new MongoEventStore(db, { schemas });
      const counters: Record<string, number> = { 'findPending ms': 0, 'markPublished ms': 0 };
      const timed = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
        const t = performance.now();
        try {
          return await work();
        } finally {
          counters[name] = Math.round((counters[name] ?? 0) + performance.now() - t);
        }
      };
      const publisher = new OutboxPublisher({
        // Timed, so the report shows where the time goes: reading the outbox, marking it, or Kafka.
        outbox: {
          findPending: (limit) => timed('findPending ms', () => store.findPending({ limit })),
          markPublished: (ids) => timed('markPublished ms', () => store.markPublished(ids)),
        },
        kafka: k,
        lease: new MongoLease(db.collection('leases'), 'outbox-publisher', `bench-${runs}`, 10_000),
        topicFor: (type) => topicFor(type, c.topicPrefix),
        transactionalId: `${c.topicPrefix}outbox`,
        batchSize: BATCH,
      });
      try {
        const started = performance.now();
        const startedUs = nowUs();
        let published = 0;
        for (let n = await publisher.publishOnce(); n > 0; n = await publisher.publishOnce()) published += n;
        const seconds = (performance.now() - started) / 1000;
        markMeasured(startedUs, nowUs());
        if (published !== events) throw new Error(`published ${published} of ${events}`);
        return { value: published / seconds, operations: published, counters };
      } finally {
        await publisher.stop();
        await db.dropDatabase().catch(() => undefined);
      }
    },
    async baseline() {
      const { ctx: c, kafka: k } = need();
      const docs = commitDocs(c.tenant, products, orders, true);
      const producer = k.producer({ transactionalId: `${c.topicPrefix}raw`, idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      try {
        // The same batches the publisher forms: 500 commits in append order, grouped by topic.
        const batches = [];
        for (let i = 0; i < docs.length; i += BATCH) batches.push([...messagesByTopic(docs.slice(i, i + BATCH), c.topicPrefix)].filter(([, ms]) => ms.length).map(([topic, messages]) => ({ topic, messages })));
        const started = performance.now();
        for (const topicMessages of batches) {
          const transaction = await producer.transaction();
          await transaction.sendBatch({ topicMessages, acks: -1 });
          await transaction.commit();
        }
        const seconds = (performance.now() - started) / 1000;
        return { value: events / seconds, operations: events };
      } finally {
        await producer.disconnect();
      }
    },
    async teardown() {
      await admin?.disconnect();
      if (mongo && ctx) for (let i = 1; i <= runs; i++) await mongo.db(`${ctx.dbName}-${i}`).dropDatabase().catch(() => undefined);
      await mongo?.close();
      if (ctx) await dropKafka(ctx);
    },
  };
}

export const pairs: PairFactory = (profile) => [publishPair(profile)];
