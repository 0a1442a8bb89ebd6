// Measures projection throughput of the real projector services: it pre-loads the event store and
// the topics with reference-domain events, starts 1 and then 3 replicas of each built projector on
// a fresh consumer group, and times draining the topics; then times a rebuild from the event store.
// A measurement to read, not a test: run it on a quiet machine (`npm run bench:projections`).
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import Redis from 'ioredis';
import { MongoClient, type Db } from 'mongodb';
import { eventSchemas } from '@eventide/domain';
import { EventSchemaRegistry, MongoEventStore, toCommitDoc, toStoredEvents, type CommitDoc, type NewEvent } from '@eventide/event-store';
import { ensureTopics, partitionForKey, toKafkaMessage, topicFor } from '@eventide/messaging';
import { rebuild, redisCompleteMarker } from '@eventide/projections';
import { familyNames, referenceFamily } from '@eventide/read-side';

const root = join(__dirname, '..', '..', '..');
const env = (name: string) => process.env[name] ?? (() => { throw new Error(`${name} is not set; run through npm run bench:projections`); })();
const PRODUCTS = Number(process.env['BENCH_PRODUCTS'] ?? 1000);
const ORDERS = Number(process.env['BENCH_ORDERS'] ?? 1000);
const PARTITIONS = 12;
const run = Date.now().toString(36);
const tenant = `bench-${run}`;
const prefix = `bench-${run}.`;
const schemas = new EventSchemaRegistry(eventSchemas);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function streamsToLoad(): { aggregateType: string; aggregateId: string; events: NewEvent[] }[] {
  const streams = [];
  for (let p = 0; p < PRODUCTS; p++) {
    const events: NewEvent[] = [{ type: 'ProductCreated', data: { name: `Product ${p}`, description: 'bench', price: 1000 + p, quantity: 1000 } }];
    for (let r = 1; r <= 4; r++) events.push({ type: 'ProductRestocked', data: { quantity: 10, currentStock: 1000 + 10 * r } });
    streams.push({ aggregateType: 'product', aggregateId: `p-${p}`, events });
  }
  for (let o = 0; o < ORDERS; o++) {
    const productId = `p-${o % PRODUCTS}`;
    const unitPrice = 1000 + (o % PRODUCTS);
    streams.push({
      aggregateType: 'order',
      aggregateId: `o-${o}`,
      events: [
        { type: 'OrderPlaced', data: { customerId: `c-${o % 100}`, lines: [{ productId, quantity: 1, unitPrice, lineTotal: unitPrice }], total: unitPrice } },
        { type: 'OrderConfirmed', data: {} },
      ],
    });
  }
  return streams;
}

/** One commit per event, as commands of one event each produce, written straight into the store and the topics. */
async function preload(db: Db, kafka: Kafka): Promise<number> {
  const docs: CommitDoc[] = [];
  for (const s of streamsToLoad()) {
    s.events.forEach((event, i) => {
      const doc = toCommitDoc({ stream: { tenant, aggregateType: s.aggregateType, aggregateId: s.aggregateId }, fromVersion: i + 1, events: [event], context: { correlationId: 'bench', causationId: 'bench', occurredAt: new Date() }, committedAt: new Date(), partition: partitionForKey(s.aggregateId, PARTITIONS), schemas });
      delete doc.pending;
      docs.push(doc);
    });
  }
  for (let i = 0; i < docs.length; i += 1000) await db.collection<CommitDoc>('events').insertMany(docs.slice(i, i + 1000));
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  for (const type of ['product', 'order']) {
    const messages = docs.filter((d) => d.aggregateType === type).flatMap((d) => toStoredEvents(d, schemas)).map(toKafkaMessage);
    for (let i = 0; i < messages.length; i += 1000) await producer.send({ topic: topicFor(type, prefix), acks: -1, messages: messages.slice(i, i + 1000) });
  }
  await producer.disconnect();
  return docs.length;
}

async function committedSum(admin: Admin, groupId: string): Promise<number> {
  const offsets = await admin.fetchOffsets({ groupId, topics: ['product', 'order'].map((t) => topicFor(t, prefix)) });
  return offsets.flatMap((t) => t.partitions).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
}

interface Drain { family: string; replicas: number; events: number; seconds: number; eventsPerSecond: number }

async function drain(db: Db, redis: Redis, admin: Admin, family: 'projector-mongo' | 'projector-redis', replicas: number, total: number, ends: number): Promise<Drain> {
  // A fresh read model that counts as complete, so what is measured is consumption, not the start-up backfill.
  for (const c of await db.listCollections({}, { nameOnly: true }).toArray()) if (c.name.startsWith('rm_') || c.name.startsWith('projection_')) await db.dropCollection(c.name);
  await db.collection('projection_generations').insertOne({ _id: family as never, epoch: 1, active: 1, activeComplete: true, acks: {}, updatedAt: new Date() });
  await redis.set(redisCompleteMarker(family, 1), 'bench');
  const groupPrefix = `${prefix}${family}-${replicas}.`;
  const groupId = `${groupPrefix}${family}`;
  const main = join(root, 'dist', 'apps', family, 'apps', family, 'src', 'main.js');
  const children: ChildProcess[] = Array.from({ length: replicas }, (_, i) =>
    spawn(process.execPath, [main], {
      env: { ...process.env, MONGO_DB: db.databaseName, KAFKA_TOPIC_PREFIX: prefix, KAFKA_GROUP_PREFIX: groupPrefix, KAFKA_PARTITIONS: String(PARTITIONS), PROJECTOR_MONGO_PORT: String(14100 + i), PROJECTOR_REDIS_PORT: String(14200 + i) },
      stdio: 'ignore',
    }),
  );
  let start: { at: number; committed: number } | undefined;
  let committed = 0;
  while (committed < ends) {
    committed = await committedSum(admin, groupId);
    if (!start && committed > 0) start = { at: Date.now(), committed };
    await sleep(50);
  }
  const seconds = (Date.now() - (start?.at ?? Date.now())) / 1000;
  await Promise.all(children.map((c) => new Promise((resolve) => { c.once('exit', resolve); c.kill('SIGTERM'); })));
  const events = total - (start?.committed ?? 0);
  return { family, replicas, events, seconds, eventsPerSecond: Math.round(events / seconds) };
}

/** Redis database 15, so the bench's rebuild (which drops a generation's keys) never touches a running stack's models. */
function benchRedisUrl(): string {
  const url = new URL(env('REDIS_URL'));
  url.pathname = '/15';
  return url.toString();
}

async function main() {
  process.env['REDIS_URL'] = benchRedisUrl();
  const mongo = await MongoClient.connect(env('MONGO_URL'));
  const db = mongo.db(`bench_${run}`);
  const redis = new Redis(env('REDIS_URL'));
  const kafka = new Kafka({ clientId: 'bench', brokers: env('KAFKA_BROKERS').split(','), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    await ensureTopics(admin, ['product', 'order'].map((t) => topicFor(t, prefix)), PARTITIONS, 1);
    await new MongoEventStore(db).ensureIndexes();
    const total = await preload(db, kafka);
    const ends = (await Promise.all(['product', 'order'].map((t) => admin.fetchTopicOffsets(topicFor(t, prefix))))).flat().reduce((s, p) => s + Number(p.high), 0);
    process.stderr.write(`loaded ${total} events (${PRODUCTS} products x 5, ${ORDERS} orders x 2)\n`);
    const results: Drain[] = [];
    for (const family of [familyNames.mongo, familyNames.redis] as const) {
      for (const replicas of [1, 3]) {
        const r = await drain(db, redis, admin, family, replicas, total, ends);
        process.stderr.write(`${family} x${replicas}: ${r.events} events in ${r.seconds.toFixed(1)} s = ${r.eventsPerSecond} events/s\n`);
        results.push(r);
      }
    }
    const rebuilds = [];
    const store = new MongoEventStore(db, { schemas });
    for (const name of [familyNames.mongo, familyNames.redis]) {
      const family = referenceFamily(name, { db, store, redis });
      let began = 0;
      let ended = 0;
      let events = 0;
      // The backfill alone: from every replica writing both generations to the last event written.
      await rebuild(family, { admin, onProgress: (p) => { if (p.stage === 'replicas-writing-both') began = Date.now(); if (p.stage === 'backfilled') ended = Date.now(); if (p.events !== undefined) events = p.events; } });
      const seconds = (ended - began) / 1000;
      rebuilds.push({ family: name, events, seconds, eventsPerSecond: Math.round(events / seconds) });
      process.stderr.write(`rebuild ${name}: ${events} events in ${seconds.toFixed(1)} s = ${Math.round(events / seconds)} events/s\n`);
    }
    process.stdout.write(`${JSON.stringify({ products: PRODUCTS, orders: ORDERS, drains: results, rebuilds }, null, 2)}\n`);
  } finally {
    for (const key of await redis.keys(`rm:*{${tenant}}*`)) await redis.del(key);
    await db.dropDatabase().catch(() => undefined);
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.disconnect();
    await mongo.close();
    redis.disconnect();
  }
}

void main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
