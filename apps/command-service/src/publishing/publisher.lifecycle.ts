import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Db } from 'mongodb';
import { Gauge } from 'prom-client';
import { aggregateTypes } from '@eventide/domain';
import type { MongoEventStore } from '@eventide/event-store';
import { createKafka, keepTrying, prepareTopics, MongoLease, OutboxPublisher, topicFor, type KafkaSettings } from '@eventide/messaging';

/** What the backlog gauges read; set by the lifecycle (gauges are registered once per process). */
const backlogSource: { store?: MongoEventStore; publisher?: OutboxPublisher } = {};
let statsAt = 0;
let stats: Promise<{ count: number; oldestCommittedAt: Date | null } | undefined> | undefined;
/** One read of the backlog per scrape, shared by the gauges that report it. */
function pending() {
  if (!stats || Date.now() - statsAt > 1000) {
    statsAt = Date.now();
    stats = backlogSource.store?.pendingStats().catch(() => undefined) ?? Promise.resolve(undefined);
  }
  return stats;
}
new Gauge({
  name: 'outbox_unpublished_commits',
  help: 'Committed commits not yet published to Kafka',
  async collect() {
    const s = await pending();
    if (s) this.set(s.count);
  },
});
new Gauge({
  name: 'outbox_oldest_unpublished_age_seconds',
  help: 'Age of the oldest commit not yet published to Kafka (0 when none)',
  async collect() {
    const s = await pending();
    if (s) this.set(s.oldestCommittedAt ? (Date.now() - s.oldestCommittedAt.getTime()) / 1000 : 0);
  },
});
new Gauge({
  name: 'outbox_publisher_leader',
  help: '1 when this replica holds the publisher lease',
  collect() {
    this.set(backlogSource.publisher?.isLeader ? 1 : 0);
  },
});

/**
 * Runs the outbox publisher inside the command service. Every replica runs one; a MongoDB lease
 * picks the single active publisher and Kafka's transactional id fences a stale one, so adding
 * replicas never reorders an aggregate's events. Why in-process: a commit can wake the local
 * publisher at once (lowest latency), and there is one deployable less to operate.
 */
export class PublisherLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('OutboxPublisher');
  readonly publisher: OutboxPublisher;
  private readonly kafka;
  private starting: Promise<void> | undefined;
  private stopping = false;

  constructor(
    private readonly store: MongoEventStore,
    db: Db,
    kafkaSettings: KafkaSettings,
    private readonly partitions: number,
    private readonly enabled: boolean,
  ) {
    this.kafka = createKafka(kafkaSettings, (level, message) => this.logger[level](message));
    this.publisher = new OutboxPublisher({
      outbox: { findPending: (limit) => store.findPending({ limit }), markPublished: (ids) => store.markPublished(ids) },
      kafka: this.kafka,
      lease: new MongoLease(db.collection('leases'), 'outbox-publisher', `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`, 10_000),
      topicFor,
      transactionalId: 'eventide-outbox-publisher',
      log: (level, message) => this.logger[level](message),
    });
    backlogSource.store = store;
    backlogSource.publisher = this.publisher;
  }

  /**
   * Commands do not need Kafka (the outbox is the event store), so a broker that is down must not
   * keep the service from starting: topics are ensured, and the publisher started, in the background.
   */
  onApplicationBootstrap(): void {
    if (this.enabled) this.starting = this.ensureTopicsThenPublish();
  }

  private async ensureTopicsThenPublish(): Promise<void> {
    const log = (level: 'log' | 'warn', message: string) => this.logger[level](message);
    const topics = Object.values(aggregateTypes).map((t) => topicFor(t));
    if (await keepTrying('prepare the Kafka topics', () => prepareTopics(this.kafka, topics, this.partitions, log), () => this.stopping, log)) this.publisher.start();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.starting;
    await this.publisher.stop();
  }
}
