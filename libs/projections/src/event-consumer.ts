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
export class EventConsumer {
  private readonly consumer: Consumer;
  private state: ConsumerState = 'starting';
  private stateSince = Date.now();
  private lastError: string | undefined;
  memberId: string | undefined;
  assigned: Record<string, number[]> = {};
  private readonly reported = new Map<string, { group: string; topic: string; partition: string }>();

  constructor(private readonly options: EventConsumerOptions) {
    this.consumer = options.kafka.consumer({
      groupId: options.groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: 30_000,
      rebalanceTimeout: 60_000,
      heartbeatInterval: 3_000,
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
      this.log('error', `consumer ${options.groupId} crashed (${payload.restart ? 'restarting' : 'not restarting'}): ${payload.error.message}`);
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
    const stuck = this.state === 'retrying' && Date.now() - this.stateSince > 15_000;
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
    await this.consumer.disconnect();
    this.setState('stopped');
  }

  private async eachBatch({ batch, heartbeat, isRunning, isStale, resolveOffset }: EachBatchPayload): Promise<void> {
    const { topic, partition } = batch;
    const group = this.options.groupId;
    const size = this.options.chunkSize ?? 500;
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
          this.setState('retrying');
          this.log('warn', `${group} ${topic}[${partition}] chunk at ${messages[0]?.offset} failed (attempt ${attempt}), retrying: ${this.lastError}`);
          if (!isRunning() || isStale()) return;
          await sleep(Math.min(5000, 100 * 2 ** Math.min(attempt, 6)));
          await heartbeat().catch(() => undefined);
        }
      }
      if (this.state === 'retrying') this.setState('joined');
      const last = messages[messages.length - 1] as KafkaMessage;
      const next = (BigInt(last.offset) + 1n).toString();
      await this.consumer.commitOffsets([{ topic, partition, offset: next }]);
      resolveOffset(last.offset); // moves kafkajs' own fetch position; without it the batch is fetched again
      stop();
      const labels = { group, topic, partition: String(partition) };
      this.reported.set(`${topic}|${partition}`, labels);
      metrics.position.set(labels, Number(next));
      metrics.lag.set(labels, Math.max(0, Number(BigInt(batch.highWatermark) - BigInt(next))));
      await heartbeat();
    }
  }

  /** Drops the lag and position of partitions this member no longer owns, so dashboards do not show stale figures. */
  private clearRevokedGauges() {
    for (const [key, labels] of this.reported) {
      if (this.assigned[labels.topic]?.includes(Number(labels.partition))) continue;
      metrics.lag.remove(labels);
      metrics.position.remove(labels);
      this.reported.delete(key);
    }
  }
}
