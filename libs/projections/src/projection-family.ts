import type { Db } from 'mongodb';
import type { EventSchemaRegistry, MongoEventStore, StoredEvent } from '@eventide/event-store';
import { consumerGroupFor, topicFor } from '@eventide/messaging';
import { deadLetterTopic } from './dead-letters';
import { GenerationRegistry, writeGenerations, type GenerationsDoc } from './generation-registry';
import { byStream, ProjectionProcessor, type ProcessResult } from './projection-processor';
import type { ProjectionFailure, ProjectionSink } from './projection-sink';
import { StreamExceptions } from './stream-exceptions';

/** A projection family: the read models one projector service keeps, built and switched together. */
export interface ProjectionFamilyDefinition {
  /** Stable name, e.g. `projector-mongo`; names the consumer group and the dead-letter topic. */
  name: string;
  /** The stream categories it follows (one topic each). */
  aggregateTypes: readonly string[];
  /** The sinks of one generation. */
  sinks(generation: number): ProjectionSink[];
  /** True when `generation` holds a complete model (Redis: also that the data was not lost). */
  isComplete(generation: number, doc: GenerationsDoc): Promise<boolean>;
  /** Records that `generation` is complete. */
  markComplete(generation: number): Promise<void>;
}

export interface ProjectionFamilyOptions {
  definition: ProjectionFamilyDefinition;
  /** Database of the runtime's own bookkeeping (generations, parked streams, leases). */
  db: Db;
  store: MongoEventStore;
  /** Consumer group; default `<KAFKA_GROUP_PREFIX or eventide.><name>`. */
  groupId?: string;
  topicFor?: (aggregateType: string) => string;
  /** Dead-letter topic; default `<KAFKA_TOPIC_PREFIX><name>.dlq`. */
  deadLetterTopic?: string;
  /** Schema versions and upcasters, applied to events from Kafka as the store applies them on read. */
  schemas?: EventSchemaRegistry;
}

export interface ReplayOutcome {
  replayed: boolean;
  applied: number;
  failure?: ProjectionFailure;
}

/**
 * Everything about a projection family that does not need a running consumer: its generations,
 * parked streams, backfill from the event store, replay of parked streams. The live consumer
 * ({@link LiveProjection}) and the operator CLI both work through it.
 */
export class ProjectionFamily {
  readonly name: string;
  readonly groupId: string;
  readonly topics: string[];
  readonly deadLetterTopic: string;
  readonly registry: GenerationRegistry;
  readonly exceptions: StreamExceptions;
  readonly processor: ProjectionProcessor;
  private readonly sinkCache = new Map<number, ProjectionSink[]>();

  constructor(readonly options: ProjectionFamilyOptions) {
    const { definition } = options;
    this.name = definition.name;
    this.groupId = options.groupId ?? consumerGroupFor(definition.name);
    this.topics = definition.aggregateTypes.map(options.topicFor ?? ((t) => topicFor(t)));
    this.deadLetterTopic = options.deadLetterTopic ?? deadLetterTopic(definition.name);
    this.registry = new GenerationRegistry(options.db);
    this.exceptions = new StreamExceptions(options.db, definition.name);
    this.processor = new ProjectionProcessor(options.store);
  }

  get definition(): ProjectionFamilyDefinition {
    return this.options.definition;
  }

  /** The sinks of a generation (one set per generation per process). */
  sinks(generation: number): ProjectionSink[] {
    let sinks = this.sinkCache.get(generation);
    if (!sinks) this.sinkCache.set(generation, (sinks = this.definition.sinks(generation)));
    return sinks;
  }

  /** Sinks of every generation the family writes now (the active one, and the next during a rebuild). */
  writeSinks(doc: GenerationsDoc): ProjectionSink[] {
    return writeGenerations(doc).flatMap((g) => this.sinks(g));
  }

  async prepare(generation: number): Promise<void> {
    await Promise.all([this.exceptions.ensureIndexes(), ...this.sinks(generation).map((s) => s.prepare())]);
  }

  /**
   * Writes every event of the event store into `generation`, stream by stream, through the same
   * version-checked path as live events, so it may run while replicas write the same generation.
   * Parked streams are left to their replay. Returns the number of events read.
   *
   * The events of all the family's aggregate types are read in one pass (one scan of the store,
   * see {@link MongoEventStore.readAllOfTypes}), each stream's contiguous and in version order, and
   * applied in batches of `batchSize`; `onProgress` gets the running count after each batch. A
   * stream may span two batches: the processor applies the second part after the first.
   */
  async backfill(generation: number, onProgress: (events: number) => void = () => undefined, batchSize = 1000): Promise<number> {
    await this.prepare(generation);
    const sinks = this.sinks(generation);
    let read = 0;
    let batch: StoredEvent[] = [];
    const flush = async () => {
      await this.applyWithExceptions(sinks, batch);
      read += batch.length;
      batch = [];
      onProgress(read);
    };
    for await (const event of this.options.store.readAllOfTypes(this.definition.aggregateTypes, { batchSize })) {
      batch.push(event);
      if (batch.length >= batchSize) await flush();
    }
    if (batch.length) await flush();
    return read;
  }

  private async applyWithExceptions(sinks: ProjectionSink[], events: StoredEvent[]): Promise<void> {
    const streams = byStream(events);
    const exceptions = await this.exceptions.forStreams([...streams.keys()]);
    for (const [key, input] of streams) {
      const exception = exceptions.get(key);
      // A parked stream is applied up to its failed event; the rest waits for the operator's replay.
      if (exception?.parked) input.events = input.events.filter((e) => e.version < (exception.parked?.failedVersion ?? 0));
      if (exception?.skipped) input.skipped = new Set(exception.skipped);
    }
    const result = await this.processor.process(sinks, streams);
    for (const [key, failure] of result.failures) {
      const input = streams.get(key);
      if (input) await this.exceptions.park(key, input.stream, { failedVersion: failure.version, view: failure.view, reason: failure.message }, []);
    }
  }

  /**
   * Replays a parked stream from the event store into every generation being written, optionally
   * skipping its failed event first. If it fails again it stays parked with the new reason.
   */
  async replay(key: string, options: { skipFailed?: boolean } = {}): Promise<ReplayOutcome> {
    const exception = await this.exceptions.get(key);
    if (!exception?.parked) throw new NotParkedError(key);
    if (options.skipFailed) await this.exceptions.skip(key, exception.stream, exception.parked.failedVersion);
    const run = async (): Promise<ProcessResult> => {
      // Re-read each time: a rebuild may have started, and its generation needs the replay too.
      const doc = await this.registry.ensure(this.name);
      const current = await this.exceptions.get(key);
      const events = await this.options.store.readStream(exception.stream);
      const streams = byStream(events, () => new Set(current?.skipped ?? []));
      return this.processor.process(this.writeSinks(doc), streams);
    };
    const first = await run();
    const failure = first.failures.get(key);
    if (failure) {
      await this.exceptions.updateParked(key, { failedVersion: failure.version, view: failure.view, reason: failure.message });
      return { replayed: false, applied: first.applied, failure };
    }
    await this.exceptions.unpark(key);
    // Events held between the first pass and the unpark are in the store: apply them too.
    const second = await run();
    const again = second.failures.get(key);
    if (again) {
      await this.exceptions.park(key, exception.stream, { failedVersion: again.version, view: again.view, reason: again.message }, []);
      return { replayed: false, applied: first.applied + second.applied, failure: again };
    }
    return { replayed: true, applied: first.applied + second.applied };
  }
}

export class NotParkedError extends Error {
  override readonly name = 'NotParkedError';
  constructor(readonly key: string) {
    super(`stream ${key} is not parked`);
  }
}
