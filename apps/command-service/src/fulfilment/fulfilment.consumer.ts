import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { Counter, register } from 'prom-client';
import { aggregateTypes } from '@eventide/domain';
import { isConcurrencyError, isStoreUnavailable, type StoredEvent } from '@eventide/event-store';
import { consumerGroupFor, createKafka, keepTrying, prepareTopics, topicFor, type KafkaSettings } from '@eventide/messaging';
import { EventConsumer, type Chunk } from '@eventide/projections';
import { isDependencyDown, serviceCatalogue } from '@eventide/service-kit';
import { AttemptBudget } from './attempt-budget';
import { eventsByOrder, forEachBounded } from './by-order';
import type { FulfilmentOutcome, OrderFulfilment } from './order-fulfilment.process';

const OUTCOMES_METRIC = 'fulfilment_outcomes_total';
const outcomes =
  (register.getSingleMetric(OUTCOMES_METRIC) as Counter<'outcome'> | undefined) ??
  new Counter({ name: OUTCOMES_METRIC, help: 'Order events handled by the fulfilment process, by outcome', labelNames: ['outcome'] });

/** Orders of one chunk handled at once; each order's own events stay sequential. */
const ORDERS_AT_ONCE = 8;
/** Tries at an event failing for a reason other than a server or a race, before it is given up on. */
const MAX_ATTEMPTS = 5;

/** How the fulfilment consumer is set up. */
export interface FulfilmentConsumerOptions {
  kafkaSettings: KafkaSettings;
  partitions: number;
  enabled: boolean;
  /** Consumer group; default `<KAFKA_GROUP_PREFIX or eventide.>order-fulfilment`. */
  groupId?: string;
}

/**
 * Runs the order fulfilment process as its own consumer group on the order topic, inside the
 * command service. Offsets are committed only after a chunk's events were handled, so a crash
 * redelivers them, which the process tolerates. Like the publisher, it starts in the background:
 * commands do not need Kafka, so a broker that is down must not keep the service from starting.
 */
export class FulfilmentConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('OrderFulfilment');
  private readonly kafka: Kafka;
  private readonly groupId: string;
  private readonly topic = topicFor(aggregateTypes.order);
  private consumer: EventConsumer | undefined;
  private starting: Promise<void> | undefined;
  private stopping = false;

  constructor(
    private readonly fulfilment: OrderFulfilment,
    private readonly options: FulfilmentConsumerOptions,
  ) {
    this.kafka = createKafka(options.kafkaSettings, (level, message) => this.logger[level](message));
    this.groupId = options.groupId ?? consumerGroupFor(serviceCatalogue['command-service'].consumerGroups[0] as string);
  }

  onApplicationBootstrap(): void {
    if (this.options.enabled) this.starting = this.startWithRetries();
    else this.logger.log('order fulfilment is disabled (FULFILMENT_ENABLED=false)');
  }

  /** The live consumer's state, for diagnostics; undefined until it is created. */
  status() {
    return this.consumer?.status();
  }

  private async startWithRetries(): Promise<void> {
    const log = (level: 'log' | 'warn', message: string) => this.logger[level](message);
    const start = async () => {
      await prepareTopics(this.kafka, [this.topic], this.options.partitions, log);
      const consumer = new EventConsumer({
        kafka: this.kafka,
        groupId: this.groupId,
        topics: [this.topic],
        handle: (chunk) => this.handleChunk(chunk),
        // Each order is several commands: small chunks keep heartbeats (sent between chunks) well
        // inside the session timeout, so a slow chunk does not get this member evicted mid-work.
        chunkSize: 50,
        log: (level, message) => this.logger[level](message),
      });
      this.consumer = consumer;
      try {
        await consumer.start();
      } catch (error) {
        await consumer.stop().catch(() => undefined);
        this.consumer = undefined;
        throw error;
      }
      this.logger.log(`order fulfilment consuming ${this.topic} as ${this.groupId}`);
    };
    await keepTrying('start order fulfilment', start, () => this.stopping, log);
  }

  private async handleChunk(chunk: Chunk): Promise<void> {
    for (const { message, reason } of chunk.undecodable) {
      this.logger.error(`${chunk.topic}[${chunk.partition}] offset ${message.offset} is not an event, skipped: ${reason}`);
    }
    await forEachBounded(eventsByOrder(chunk.events.map((c) => c.event)), ORDERS_AT_ONCE, async (events) => {
      for (const event of events) {
        try {
          this.count(await this.fulfilment.handle(event));
          this.budget.succeeded(event.eventId);
        } catch (error) {
          if (!this.giveUp(event, error)) throw error;
        }
      }
    });
  }

  /**
   * True when an event has failed for a reason that is not a server or a race (a bug, bad data) too
   * many times: it is logged and counted as `failed`, and the partition moves on rather than
   * retrying forever and holding every other order on it.
   */
  private giveUp(event: StoredEvent, error: unknown): boolean {
    if (isStoreUnavailable(error) || isConcurrencyError(error) || isDependencyDown(error)) return false;
    if (!this.budget.exhausted(event.eventId)) return false;
    outcomes.inc({ outcome: 'failed' });
    this.logger.error(`gave up on ${event.type} v${event.version} of order ${event.metadata.tenant}/${event.metadata.aggregateId} after ${MAX_ATTEMPTS} attempts: ${error instanceof Error ? error.message : String(error)}`);
    return true;
  }

  private readonly budget = new AttemptBudget(MAX_ATTEMPTS);

  private count(outcome: FulfilmentOutcome): void {
    outcomes.inc({ outcome });
  }

  /** Finishes the chunk in hand, commits its offsets and leaves the group. */
  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.starting;
    await this.consumer?.stop();
  }
}
