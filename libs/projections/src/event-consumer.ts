import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { fromKafkaMessage, type EventEnvelope } from '@eventide/messaging';
import { projectionMetrics as metrics } from './projection-metrics';

/** One consumed message that is an event. */
export interface ConsumedEvent {
  event: EventEnvelope;
  message: KafkaMessage;
}

/** A slice of one partition's batch, handled and committed as a unit. */
export interface Chunk {
  topic: string;
  partition: number;
  events: ConsumedEvent[];
  undecodable: { message: KafkaMessage; reason: string }[];
}

export type ChunkHandler = (chunk: Chunk) => Promise<void>;

export type ConsumerState = 'starting' | 'joined' | 'rebalancing' | 'retrying' | 'crashed' | 'stopped';

export interface EventConsumerOptions {
  kafka: Kafka;
  groupId: string;
  topics: string[];
  handle: ChunkHandler;
  /** Messages per chunk (one write round and one commit); default 500. */
  chunkSize?: number;
  /** Partitions handled at once by one replica; default 4. Order within a partition is kept. */
  concurrency?: number;
  /** Where a group without committed offsets starts; default the beginning. */
  fromBeginning?: boolean;
  log?: (level: 'log' | 'warn' | 'error', message: string) => void;
  /** Called once a member id is known (after each join). */
  onJoin?: (memberId: string) => void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A Kafka consumer-group member built on kafkajs `eachBatch`: it splits each partition's batch into
 * chunks, hands each chunk to the handler, and commits the chunk's offsets only after the handler
 * returned. A handler that throws (a server is down) gets the same chunk again, with backoff, for
 * as long as this member still owns the partition; nothing is ever skipped. On stop it finishes the
 * chunk in hand, commits and leaves the group.
 */
/**
 * Group membership timing. A member that stops heartbeating is removed after `sessionTimeout`, which
 * also bounds how long a chunk may take; the deploy manifests give projectors a termination grace
 * period longer than that (checked by tools/deploy-check).
 */
export const consumerTimeouts = { sessionTimeout: 30_000, rebalanceTimeout: 60_000, heartbeatInterval: 3_000 } as const;

export class EventConsumer {
  private readonly consumer: Consumer;
  private state: ConsumerState = 'starting';
  private stateSince = Date.now();
  private lastError: string | undefined;
  memberId: string | undefined;
  assigned: Record<string, number[]> = {};
  private readonly reported = new Map<string, { group: string; topic: string; partition: string }>();
  /** Partitions whose current chunk keeps failing, and since when. */
  private readonly failing = new Map<string, number>();
  private restarting = false;

  constructor(private readonly options: EventConsumerOptions) {
    this.consumer = options.kafka.consumer({
      groupId: options.groupId,
      allowAutoTopicCreation: false,
      ...consumerTimeouts,
      maxWaitTimeInMs: 250,
    });
    const { GROUP_JOIN, REBALANCING, CRASH, STOP } = this.consumer.events;
    this.consumer.on(GROUP_JOIN, ({ payload }) => {
      this.memberId = payload.memberId;
      this.assigned = payload.memberAssignment;
      this.setState('joined');
      this.clearRevokedGauges();
      options.onJoin?.(payload.memberId);
    });
    this.consumer.on(REBALANCING, () => this.setState('rebalancing'));
    this.consumer.on(CRASH, ({ payload }) => {
      this.lastError = payload.error.message;
      this.setState('crashed');
      this.log('error', `consumer ${options.groupId} crashed (${payload.restart ? 'kafkajs restarts it' : 'restarting it'}): ${payload.error.message}`);
      if (!payload.restart) void this.restart();
    });
    this.consumer.on(STOP, () => this.setState('stopped'));
  }

  private log(level: 'log' | 'warn' | 'error', message: string) {
    this.options.log?.(level, message);
  }

  private setState(state: ConsumerState) {
    if (state !== this.state) this.stateSince = Date.now();
    this.state = state;
  }

  /** Live state for readiness: joined (even with no partitions: replicas beyond the partition count idle) and not stuck retrying. */
  status(): { state: ConsumerState; since: number; ready: boolean; lastError?: string; memberId?: string; assigned: Record<string, number[]> } {
    // Stuck means one partition has failed for 15 s, whatever the others do.
    const stuck = [...this.failing.values()].some((since) => Date.now() - since > 15_000);
    const ready = (this.state === 'joined' || this.state === 'rebalancing' || this.state === 'retrying') && !stuck;
    return { state: this.state, since: this.stateSince, ready, ...(this.lastError ? { lastError: this.lastError } : {}), ...(this.memberId ? { memberId: this.memberId } : {}), assigned: this.assigned };
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: this.options.topics, fromBeginning: this.options.fromBeginning ?? true });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.concurrency ?? 4,
      eachBatch: (payload) => this.eachBatch(payload),
    });
  }

  /** Finishes the chunk in hand, commits it, and leaves the group. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.consumer.disconnect();
    this.setState('stopped');
  }

  private stopped = false;

  /** After a crash kafkajs will not recover from, start over (the group redelivers what was not committed). */
  private async restart(): Promise<void> {
    if (this.restarting || this.stopped) return;
    this.restarting = true;
    try {
      for (let attempt = 1; !this.stopped; attempt++) {
        try {
          await this.consumer.disconnect().catch(() => undefined);
          await sleep(Math.min(10_000, 500 * attempt));
          if (this.stopped) return;
          await this.start();
          return;
        } catch (error) {
          this.log('warn', `consumer ${this.options.groupId} restart failed (attempt ${attempt}): ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    } finally {
      this.restarting = false;
    }
  }

  private async eachBatch({ batch, heartbeat, isRunning, isStale, resolveOffset, commitOffsetsIfNecessary }: EachBatchPayload): Promise<void> {
    const { topic, partition } = batch;
    const group = this.options.groupId;
    const size = this.options.chunkSize ?? 500;
    const labels = { group, topic, partition: String(partition) };
    const where = `${topic}|${partition}`;
    this.reported.set(where, labels);
    // Lag as fetched, so a partition that is stuck shows its lag growing rather than a frozen figure.
    metrics.lag.set(labels, Math.max(0, Number(BigInt(batch.highWatermark) - BigInt(batch.firstOffset() ?? batch.highWatermark))));
    for (let i = 0; i < batch.messages.length; i += size) {
      if (!isRunning() || isStale()) return;
      const messages = batch.messages.slice(i, i + size);
      const chunk: Chunk = { topic, partition, events: [], undecodable: [] };
      for (const message of messages) {
        try {
          chunk.events.push({ event: fromKafkaMessage(message), message });
        } catch (error) {
          chunk.undecodable.push({ message, reason: error instanceof Error ? error.message : String(error) });
        }
      }
      const stop = metrics.batchSeconds.startTimer({ group });
      for (let attempt = 1; ; attempt++) {
        try {
          await this.options.handle(chunk);
          break;
        } catch (error) {
          // A server is down (or lost a race we could not settle): same chunk again, never past it.
          metrics.retries.inc({ group });
          this.lastError = error instanceof Error ? error.message : String(error);
          if (!this.failing.has(where)) this.failing.set(where, Date.now());
          this.setState('retrying');
          this.log('warn', `${group} ${topic}[${partition}] chunk at ${messages[0]?.offset} failed (attempt ${attempt}), retrying: ${this.lastError}`);
          await sleep(Math.min(5000, 100 * 2 ** Math.min(attempt, 6)));
          if (!isRunning() || isStale()) return;
          // Throws once the group has rebalanced: the chunk stays uncommitted for the partition's new owner.
          await heartbeat();
        }
      }
      this.failing.delete(where);
      if (this.state === 'retrying' && this.failing.size === 0) this.setState('joined');
      const last = messages[messages.length - 1] as KafkaMessage;
      const next = (BigInt(last.offset) + 1n).toString();
      // Through the batch payload: unlike consumer.commitOffsets it still commits while the consumer is stopping.
      await commitOffsetsIfNecessary({ topics: [{ topic, partitions: [{ partition, offset: next }] }] });
      resolveOffset(last.offset); // moves kafkajs' own fetch position; without it the batch is fetched again
      stop();
      metrics.position.set(labels, Number(next));
      metrics.lag.set(labels, Math.max(0, Number(BigInt(batch.highWatermark) - BigInt(next))));
      await heartbeat();
    }
  }

  /** Drops the lag and position of partitions this member no longer owns, so dashboards do not show stale figures. */
  private clearRevokedGauges() {
    for (const [key, labels] of this.reported) {
      if (this.assigned[labels.topic]?.includes(Number(labels.partition))) continue;
      this.failing.delete(key);
      metrics.lag.remove(labels);
      metrics.position.remove(labels);
      this.reported.delete(key);
    }
  }
}
