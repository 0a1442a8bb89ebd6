import { Kafka, logLevel, type KafkaMessage, type Producer } from 'kafkajs';
import Redis from 'ioredis';
import { MongoClient, type Db } from 'mongodb';
import { MongoEventStore, type EventSchemaRegistry, type StoredEvent, type StreamRef } from '@eventide/event-store';
import { ensureTopics, toKafkaMessage, topicFor } from '@eventide/messaging';
import { deadLetterTopic } from '../dead-letters';
import { ProjectionFamily, type ProjectionFamilyDefinition } from '../projection-family';

export const need = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run through \`npm test\`, which provisions the servers`);
  return value;
};

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `check` returns true (or throws with what it last saw). */
export async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(200);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * One test file's world on the real servers: its own database, topic prefix, consumer group and
 * Redis key space (via the generation prefix inside its own Redis db index is not available, so
 * tests use unique tenants), torn down afterwards.
 */
export class ProjectionHarness {
  readonly run = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  readonly prefix = `pt-${this.run}.`;
  readonly tenant = `tenant-${this.run}`;
  readonly mongo = new MongoClient(need('MONGO_URL'));
  readonly db: Db;
  readonly store: MongoEventStore;
  readonly kafka: Kafka;
  readonly redis: Redis;
  private producer: Producer | undefined;
  readonly topic: string;

  constructor(
    readonly name: string,
    readonly partitions = 3,
  ) {
    this.db = this.mongo.db(`proj_${name}_${this.run}`);
    this.store = new MongoEventStore(this.db);
    this.kafka = new Kafka({ clientId: `harness-${name}`, brokers: need('KAFKA_BROKERS').split(','), logLevel: logLevel.NOTHING });
    this.redis = new Redis(need('REDIS_URL'), { lazyConnect: true });
    this.topic = topicFor('item', this.prefix);
  }

  async setUp(families: string[] = []): Promise<void> {
    await this.mongo.connect();
    await this.redis.connect();
    await this.store.ensureIndexes();
    const admin = this.kafka.admin();
    await admin.connect();
    await ensureTopics(admin, [this.topic, ...families.map((f) => deadLetterTopic(f, this.prefix))], this.partitions, 1);
    await admin.disconnect();
    this.producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await this.producer.connect();
  }

  async tearDown(): Promise<void> {
    await this.producer?.disconnect();
    await this.db.dropDatabase().catch(() => undefined);
    await this.mongo.close();
    const admin = this.kafka.admin();
    await admin.connect();
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(this.prefix));
    await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.disconnect();
    this.redis.disconnect();
  }

  stream(id: string): StreamRef {
    return { tenant: this.tenant, aggregateType: 'item', aggregateId: id };
  }

  /** Appends `count` events to the stream (one commit each) and returns them as stored. */
  async append(id: string, count: number, data: (version: number) => Record<string, unknown> = () => ({})): Promise<StoredEvent[]> {
    const stream = this.stream(id);
    let version = await this.store.streamVersion(stream);
    const events: StoredEvent[] = [];
    for (let i = 0; i < count; i++) {
      const appended = await this.store.append(stream, version, [{ type: 'ItemTouched', data: data(version + 1) }], { correlationId: 'c', causationId: 'c', occurredAt: new Date() }, { expectedVersionIsHead: true });
      events.push(...appended.events);
      version = appended.toVersion;
    }
    return events;
  }

  /** Sends events to the topic exactly as given (duplicates, gaps and reordering included). */
  async publish(events: readonly StoredEvent[]): Promise<void> {
    if (events.length) await this.producer?.send({ topic: this.topic, acks: -1, messages: events.map(toKafkaMessage) });
  }

  /** Sends a raw message (for undecodable input). */
  async publishRaw(key: string, value: string): Promise<void> {
    await this.producer?.send({ topic: this.topic, acks: -1, messages: [{ key, value }] });
  }

  /** Reads a topic from the beginning until `count` messages arrived. */
  async readTopic(topic: string, count: number, timeoutMs = 30_000): Promise<KafkaMessage[]> {
    const consumer = this.kafka.consumer({ groupId: `reader-${Math.random()}` });
    const seen: KafkaMessage[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`read ${seen.length} of ${count} messages from ${topic}`)), timeoutMs);
        void consumer.run({
          eachMessage: async ({ message }) => {
            seen.push(message);
            if (seen.length >= count) {
              clearTimeout(timer);
              resolve();
            }
          },
        });
      });
    } finally {
      await consumer.disconnect();
    }
    return seen;
  }

  /** Waits until a live family's active generation is complete (its start-up backfill is done). */
  async untilComplete(family: ProjectionFamily): Promise<void> {
    await eventually(async () => {
      const doc = await family.registry.read(family.name);
      return !!doc && (await family.definition.isComplete(doc.active, doc));
    }, `${family.name} to be complete`);
  }

  family(definition: ProjectionFamilyDefinition, schemas?: EventSchemaRegistry): ProjectionFamily {
    return new ProjectionFamily({
      ...(schemas ? { schemas } : {}),
      definition,
      db: this.db,
      store: this.store,
      groupId: `${this.prefix}${definition.name}`,
      topicFor: (t) => topicFor(t, this.prefix),
      deadLetterTopic: deadLetterTopic(definition.name, this.prefix),
    });
  }
}
