import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { MongoEventStore, type StreamRef } from '@eventide/event-store';
import { createKafka, ensureTopics, fromKafkaMessage, MongoLease, OutboxPublisher, partitionForKey, topicFor } from './index';

const need = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run through \`npm test\`, which provisions the servers`);
  return value;
};

const run = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const TEST_DB = `publisher_${run}`;
const TOPIC_PREFIX = `g3-${run}.`;
const PARTITIONS = 6;
const topic = topicFor('product', TOPIC_PREFIX);
const root = join(__dirname, '..', '..', '..');

describe('G3: reliable publishing (real MongoDB and Kafka)', () => {
  const client = new MongoClient(need('MONGO_URL'));
  const brokers = need('KAFKA_BROKERS').split(',');
  const kafka = new Kafka({ clientId: 'g3-test', brokers, logLevel: logLevel.NOTHING });
  let store: MongoEventStore;
  let runner: ChildProcess | undefined;

  beforeAll(async () => {
    await client.connect();
    store = new MongoEventStore(client.db(TEST_DB), { partitionOf: (id) => partitionForKey(id, PARTITIONS) });
    await store.ensureIndexes();
    const admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, [topic], PARTITIONS, 1);
    await admin.disconnect();
  });

  afterAll(async () => {
    runner?.kill('SIGKILL');
    await client.db(TEST_DB).dropDatabase();
    await client.close();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  const stream = (i: number): StreamRef => ({ tenant: 'acme', aggregateType: 'product', aggregateId: `p-${i}` });
  const context = { correlationId: 'c', causationId: 'c', occurredAt: new Date() };

  async function readTopic(expectedAtLeast: number): Promise<{ key: string; partition: number; version: number; eventId: string }[]> {
    const consumer = kafka.consumer({ groupId: `g3-reader-${Math.random()}` });
    const seen: { key: string; partition: number; version: number; eventId: string }[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`read ${seen.length} of at least ${expectedAtLeast} messages`)), 30_000);
      void consumer.run({
        eachMessage: async ({ partition, message }) => {
          const event = fromKafkaMessage(message);
          seen.push({ key: message.key?.toString() ?? '', partition, version: event.version, eventId: event.eventId });
          if (seen.length >= expectedAtLeast) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
    await new Promise((r) => setTimeout(r, 1000)); // let any stragglers (duplicates) arrive too
    await consumer.disconnect();
    return seen;
  }

  it('delivers every committed event, in version order per aggregate, across a kill -9 between publish and mark', async () => {
    const streams = 20;
    let total = 0;
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < streams; i++) {
        const size = 1 + ((i + round) % 3);
        const head = await store.streamVersion(stream(i));
        await store.append(stream(i), head, Array.from({ length: size }, (_, k) => ({ type: 'Tick', data: { round, k } })), context);
        total += size;
      }
    }
    // A stale append fails and must never reach Kafka.
    await expect(store.append(stream(0), 1, [{ type: 'Ghost', data: {} }], context)).rejects.toMatchObject({ code: 'concurrency' });

    // One process (node with tsx's loader, not the tsx wrapper that forks a child), so the kill -9 hits the publisher itself.
    runner = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'testing', 'publisher-runner.ts')], {
      cwd: root,
      env: { ...process.env, TEST_DB, TOPIC_PREFIX, HANG_AFTER_PUBLISH: '1', LEASE_TTL_MS: '2000', TRANSACTIONAL_ID: `g3-${run}`, TSX_TSCONFIG_PATH: join(root, 'tsconfig.base.json') },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    // Wait until the doomed publisher has put events on the topic, then kill it before it marks them.
    await readTopic(1);
    runner.kill('SIGKILL');
    expect((await store.pendingStats()).count).toBeGreaterThan(0);

    const survivor = new OutboxPublisher({
      outbox: { findPending: (limit) => store.findPending({ limit }), markPublished: (ids) => store.markPublished(ids) },
      kafka: createKafka({ brokers, clientId: 'g3-survivor', ssl: false }),
      lease: new MongoLease(client.db(TEST_DB).collection('leases'), 'outbox-publisher', 'survivor', 2000),
      topicFor: (type) => topicFor(type, TOPIC_PREFIX),
      transactionalId: `g3-${run}`,
      batchSize: 50,
    });
    survivor.start();
    const deadline = Date.now() + 30_000;
    while ((await store.pendingStats()).count > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    await survivor.stop();
    expect((await store.pendingStats()).count).toBe(0);

    const seen = await readTopic(total);
    const committedIds = new Set<string>();
    for (let i = 0; i < streams; i++) for (const e of await store.readStream(stream(i))) committedIds.add(e.eventId);
    expect(committedIds.size).toBe(total);
    // Nothing that was not committed; everything that was, at least once.
    expect(seen.every((m) => committedIds.has(m.eventId))).toBe(true);
    expect(new Set(seen.map((m) => m.eventId)).size).toBe(total);

    await expectInOrderPerAggregate(seen, streams);
  }, 120_000);

  it('keeps per-aggregate order with two publisher replicas running at once, while commands keep coming', async () => {
    const replicas = ['replica-a', 'replica-b'].map(
      (owner) =>
        new OutboxPublisher({
          outbox: { findPending: (limit) => store.findPending({ limit }), markPublished: (ids) => store.markPublished(ids) },
          kafka: createKafka({ brokers, clientId: owner, ssl: false }),
          lease: new MongoLease(client.db(TEST_DB).collection('leases'), 'outbox-publisher', owner, 1000),
          topicFor: (type) => topicFor(type, TOPIC_PREFIX),
          transactionalId: `g3-${run}`,
          batchSize: 20,
          idleMs: 20,
        }),
    );
    replicas.forEach((r) => r.start());
    const first = 100;
    const streams = 10;
    for (let round = 0; round < 6; round++) {
      await Promise.all(
        Array.from({ length: streams }, async (_, i) => {
          const s = stream(first + i);
          await store.append(s, await store.streamVersion(s), [{ type: 'Tick', data: { round } }], context);
        }),
      );
    }
    const deadline = Date.now() + 30_000;
    while ((await store.pendingStats()).count > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    await Promise.all(replicas.map((r) => r.stop()));
    expect((await store.pendingStats()).count).toBe(0);
    const seen = (await readTopic(1)).filter((m) => Number(m.key.slice(2)) >= first);
    expect(new Set(seen.map((m) => m.eventId)).size).toBe(streams * 6);
    await expectInOrderPerAggregate(seen, streams, first);
  }, 120_000);

  async function expectInOrderPerAggregate(seen: { key: string; partition: number; version: number }[], streams: number, first = 0) {
    for (let i = first; i < first + streams; i++) {
      const key = `p-${i}`;
      const mine = seen.filter((m) => m.key === key);
      // Keyed by aggregate id, on the partition Kafka's Java partitioner picks, all on one partition.
      expect(new Set(mine.map((m) => m.partition))).toEqual(new Set([partitionForKey(key, PARTITIONS)]));
      // First appearances are exactly 1..n in order; a redelivered batch only repeats what came before.
      let highest = 0;
      for (const m of mine) {
        if (m.version <= highest) continue;
        expect(m.version).toBe(highest + 1);
        highest = m.version;
      }
      expect(highest).toBe(await store.streamVersion(stream(i)));
    }
  }
});
