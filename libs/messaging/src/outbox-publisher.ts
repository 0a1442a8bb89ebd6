import type { Kafka, Producer, TopicMessages } from 'kafkajs';
import { toKafkaMessage, type EventEnvelope } from './event-envelope';
import type { MongoLease } from './lease';
import { recordPublishSpans } from './publish-spans';

/** A committed, not yet published group of events of one stream (the outbox is the event store). */
export interface PendingCommit {
  id: string;
  aggregateType: string;
  events: EventEnvelope[];
}

/** What the publisher needs from the event store. */
export interface Outbox {
  /** Unpublished commits; every stream's commits in version order, and only a prefix of each. */
  findPending(limit: number): Promise<PendingCommit[]>;
  markPublished(commitIds: string[]): Promise<void>;
}

export interface PublisherOptions {
  outbox: Outbox;
  kafka: Kafka;
  lease: MongoLease;
  topicFor: (aggregateType: string) => string;
  /** Kafka transactional id: a new leader with the same id fences any old one still sending. */
  transactionalId: string;
  batchSize?: number;
  /** Longest wait before looking again when idle (a notify() wakes it at once). */
  idleMs?: number;
  log?: (level: 'log' | 'warn' | 'error', message: string) => void;
  onPublished?: (events: number) => void;
}

/**
 * Publishes committed events to Kafka at least once, in version order per aggregate (G3).
 * Only the holder of the lease publishes; each batch is one Kafka transaction, and commits are
 * marked published only after Kafka acknowledged it. A crash between commit and publish, or
 * between publish and mark, leaves the commit pending, and the next leader publishes it again
 * (consumers drop the duplicate by version).
 */
export class OutboxPublisher {
  private producer: Producer | undefined;
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private notified = false;
  private readonly batchSize: number;
  private readonly idleMs: number;
  private leader = false;

  constructor(private readonly options: PublisherOptions) {
    this.batchSize = options.batchSize ?? 500;
    this.idleMs = options.idleMs ?? 200;
  }

  get isLeader(): boolean {
    return this.leader;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Look for pending commits now (called right after an append, to keep latency low). */
  notify(): void {
    this.notified = true;
    this.wake?.();
  }

  /** Finishes the batch in flight, releases the lease and disconnects. */
  async stop(): Promise<void> {
    this.running = false;
    this.notify();
    await this.loop;
    await this.options.lease.release().catch(() => undefined);
    await this.disconnect();
  }

  /** Publishes one batch if we are leader; returns how many events went out. */
  async publishOnce(): Promise<number> {
    this.leader = await this.options.lease.tryAcquire();
    if (!this.leader) {
      await this.disconnect();
      return 0;
    }
    const startedAt = Date.now();
    const commits = await this.options.outbox.findPending(this.batchSize);
    if (commits.length === 0) return 0;
    const foundAt = Date.now();
    const byTopic = new Map<string, TopicMessages>();
    let count = 0;
    for (const commit of commits) {
      const topic = this.options.topicFor(commit.aggregateType);
      const entry = byTopic.get(topic) ?? { topic, messages: [] };
      entry.messages.push(...commit.events.map(toKafkaMessage));
      byTopic.set(topic, entry);
      count += commit.events.length;
    }
    const producer = await this.connectedProducer();
    const transaction = await producer.transaction();
    try {
      await transaction.sendBatch({ topicMessages: [...byTopic.values()], acks: -1 });
      // A send that stalled past the lease must not land after a newer leader's: check, then commit.
      if (!(await this.options.lease.tryAcquire())) {
        this.leader = false;
        await transaction.abort();
        return 0;
      }
      await transaction.commit();
    } catch (error) {
      await transaction.abort().catch(() => undefined);
      throw error;
    }
    recordPublishSpans(commits, { startedAt, foundAt, committedAt: Date.now() });
    await this.options.outbox.markPublished(commits.map((c) => c.id));
    this.options.onPublished?.(count);
    return count;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      try {
        const published = await this.publishOnce();
        failures = 0;
        if (published > 0) continue;
        await this.sleep(this.leader ? this.idleMs : Math.max(this.idleMs, 1000));
      } catch (error) {
        failures += 1;
        this.options.log?.('warn', `publishing failed (attempt ${failures}), will retry: ${error instanceof Error ? error.message : String(error)}`);
        await this.disconnect();
        await this.sleep(Math.min(5000, 100 * 2 ** failures));
      }
    }
  }

  private async connectedProducer(): Promise<Producer> {
    if (!this.producer) {
      const producer = this.options.kafka.producer({ transactionalId: this.options.transactionalId, idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      this.producer = producer;
    }
    return this.producer;
  }

  private async disconnect(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    await producer?.disconnect().catch(() => undefined);
  }

  private sleep(ms: number): Promise<void> {
    if (this.notified) {
      this.notified = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.notified = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }
}
