// Reference-domain events for the read-side pairs: written straight into an event store database
// and, as the outbox publisher would, onto the topics; plus the Kafka and Redis helpers those pairs share.
import { join } from 'node:path';
import { Kafka, logLevel, type Admin, type KafkaMessage } from 'kafkajs';
import type { Db } from 'mongodb';
import { eventSchemas } from '@eventide/domain';
import { stopServices, waitReady, type RunningService } from '@eventide/dev';
import { EventSchemaRegistry, MongoEventStore, toCommitDoc, toStoredEvents, type CommitDoc, type NewEvent } from '@eventide/event-store';
import { ensureTopics, partitionForKey, toKafkaMessage, topicFor } from '@eventide/messaging';
import { freePort, infraSettings } from '@eventide/local-infra';
import { serviceCatalogue, type ServiceName } from '@eventide/service-kit';
import { track } from '../../harness/children';
import type { BenchContext } from '../../harness/pair';
import { markMeasured, nowUs } from '../../harness/profiling';
import { ensureImage, startBenchChild } from '../../harness/services';

export const PARTITIONS = 12;
export const AGGREGATE_TYPES = ['product', 'order'] as const;
export const schemas = new EventSchemaRegistry(eventSchemas);
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Products (a create and four restocks each) and orders (placed, confirmed): 5p + 2o events. */
export function streamsToLoad(products: number, orders: number): { aggregateType: string; aggregateId: string; events: NewEvent[] }[] {
  const streams = [];
  for (let p = 0; p < products; p++) {
    const events: NewEvent[] = [{ type: 'ProductCreated', data: { name: `Product ${p}`, description: 'bench', price: 1000 + p, quantity: 1000 } }];
    for (let r = 1; r <= 4; r++) events.push({ type: 'ProductRestocked', data: { quantity: 10, currentStock: 1000 + 10 * r } });
    streams.push({ aggregateType: 'product', aggregateId: `p-${p}`, events });
  }
  for (let o = 0; o < orders; o++) {
    const productId = `p-${o % products}`;
    const unitPrice = 1000 + (o % products);
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

/** One commit per event, as commands of one event each produce; `pending` kept when the outbox should publish them. */
export function commitDocs(tenant: string, products: number, orders: number, pending: boolean): CommitDoc[] {
  const docs: CommitDoc[] = [];
  for (const s of streamsToLoad(products, orders)) {
    s.events.forEach((event, i) => {
      const doc = toCommitDoc({
        stream: { tenant, aggregateType: s.aggregateType, aggregateId: s.aggregateId },
        fromVersion: i + 1,
        events: [event],
        context: { correlationId: 'bench', causationId: 'bench', occurredAt: new Date() },
        committedAt: new Date(),
        partition: partitionForKey(s.aggregateId, PARTITIONS),
        schemas,
      });
      if (!pending) delete doc.pending;
      docs.push(doc);
    });
  }
  return docs;
}

export async function insertCommits(db: Db, docs: CommitDoc[]): Promise<void> {
  await new MongoEventStore(db).ensureIndexes();
  for (let i = 0; i < docs.length; i += 1000) await db.collection<CommitDoc>('events').insertMany(docs.slice(i, i + 1000));
}

export const kafkaOf = (ctx: BenchContext, clientId = 'bench'): Kafka => new Kafka({ clientId, brokers: ctx.kafkaBrokers, logLevel: logLevel.NOTHING });

/** The Kafka messages of the commits, per topic, exactly as the outbox publisher sends them. */
export function messagesByTopic(docs: CommitDoc[], prefix: string): Map<string, ReturnType<typeof toKafkaMessage>[]> {
  const out = new Map<string, ReturnType<typeof toKafkaMessage>[]>();
  for (const type of AGGREGATE_TYPES) out.set(topicFor(type, prefix), docs.filter((d) => d.aggregateType === type).flatMap((d) => toStoredEvents(d, schemas)).map(toKafkaMessage));
  return out;
}

/** Creates the topics and fills them with the commits' events; returns the sum of the high watermarks. */
export async function loadTopics(kafka: Kafka, admin: Admin, docs: CommitDoc[], prefix: string): Promise<number> {
  await ensureTopics(admin, AGGREGATE_TYPES.map((t) => topicFor(t, prefix)), PARTITIONS, 1);
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    for (const [topic, messages] of messagesByTopic(docs, prefix)) for (let i = 0; i < messages.length; i += 1000) await producer.send({ topic, acks: -1, messages: messages.slice(i, i + 1000) });
  } finally {
    await producer.disconnect();
  }
  return highWatermarks(admin, prefix);
}

export async function highWatermarks(admin: Admin, prefix: string): Promise<number> {
  const offsets = await Promise.all(AGGREGATE_TYPES.map((t) => admin.fetchTopicOffsets(topicFor(t, prefix))));
  return offsets.flat().reduce((s, p) => s + Number(p.high), 0);
}

export async function committedSum(admin: Admin, groupId: string, prefix: string): Promise<number> {
  const offsets = await admin.fetchOffsets({ groupId, topics: AGGREGATE_TYPES.map((t) => topicFor(t, prefix)) });
  return offsets.flatMap((t) => t.partitions).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
}

/** Polls a group's committed offsets until they reach `ends`; events/s from the first commit seen (start-up excluded). */
export async function timeDrain(admin: Admin, groupId: string, prefix: string, total: number, ends: number, timeoutMs: number, failed?: () => unknown): Promise<{ events: number; seconds: number }> {
  let start: { at: number; committed: number; us: number } | undefined;
  let committed = 0;
  const deadline = Date.now() + timeoutMs;
  while (committed < ends) {
    const failure = failed?.();
    if (failure) throw failure instanceof Error ? failure : new Error(String(failure));
    if (Date.now() > deadline) throw new Error(`${groupId} committed ${committed} of ${ends} within ${timeoutMs / 1000} s`);
    committed = await committedSum(admin, groupId, prefix);
    if (!start && committed > 0) start = { at: performance.now(), committed, us: nowUs() };
    await sleep(10);
  }
  // With profiling on, the services' samples are cut to the drain that is timed here.
  if (start) markMeasured(start.us, nowUs());
  if (!start || start.committed >= ends) throw new Error(`${groupId} drained between two polls; load more events`);
  return { events: total - (start?.committed ?? 0), seconds: (performance.now() - (start?.at ?? performance.now())) / 1000 };
}

/** The pair's own Redis database, so nothing it writes or drops touches a running stack's models. */
export function redisDb(ctx: BenchContext, db: number): string {
  const url = new URL(ctx.redisUrl);
  url.pathname = `/${db}`;
  return url.toString();
}

/** Deletes the pair's topics and consumer groups (everything under its prefix). */
export async function dropKafka(ctx: BenchContext): Promise<void> {
  const admin = kafkaOf(ctx, 'bench-cleanup').admin();
  await admin.connect();
  try {
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(ctx.topicPrefix));
    if (groups.length) await admin.deleteGroups(groups).catch(() => undefined);
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(ctx.topicPrefix));
    if (topics.length) await admin.deleteTopics({ topics }).catch(() => undefined);
  } finally {
    await admin.disconnect();
  }
}


/** Starts one service from the image tree on a free port, with the pair's database, prefixes and Redis db, and waits until it is ready. */
export async function startBenchService(name: ServiceName, ctx: BenchContext, env: Record<string, string>): Promise<RunningService> {
  await ensureImage();
  const { stateDir } = infraSettings();
  const service = await startBenchChild(
    name,
    {
      MONGO_URL: ctx.mongoUrl,
      KAFKA_BROKERS: ctx.kafkaBrokers.join(','),
      MONGO_DB: ctx.dbName,
      KAFKA_TOPIC_PREFIX: ctx.topicPrefix,
      KAFKA_GROUP_PREFIX: ctx.topicPrefix,
      KAFKA_PARTITIONS: String(PARTITIONS),
      EVENTIDE_TRACE_FILE: '',
      [serviceCatalogue[name].portEnv]: String(await freePort()),
      ...env,
    },
    { echo: false, logDir: join(stateDir, 'bench', ctx.dbName) },
  );
  track(service.child);
  try {
    await waitReady(service, 90_000);
  } catch (error) {
    await stopServices([service]);
    throw error;
  }
  return service;
}

export type { KafkaMessage, RunningService, ServiceName };
export { stopServices };
