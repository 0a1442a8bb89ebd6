import { hostname } from 'node:os';
import type { Kafka } from 'kafkajs';
import type { Collection } from 'mongodb';
import { streamKey } from '@eventide/event-store';
import { MongoLease } from '@eventide/messaging';
import { DeadLetterPublisher, type DeadLetter } from './dead-letters';
import { EventConsumer, type Chunk, type ConsumedEvent } from './event-consumer';
import { writeGenerations, type GenerationsDoc } from './generation-registry';
import { byStream, type StreamInput } from './projection-processor';
import { projectionMetrics as metrics } from './projection-metrics';
import { recordProjectionSpans } from './projection-spans';
import type { ProjectionFamily } from './projection-family';
import type { ProjectionFailure } from './projection-sink';
import { unacknowledgedMembers } from './rebuild';

export interface LiveProjectionOptions {
  kafka: Kafka;
  /** Attempts at an event the projection refuses before its stream is parked; default 3. */
  attempts?: number;
  chunkSize?: number;
  concurrency?: number;
  /** How often the generations document is re-read and the upkeep runs; default 1000 ms. */
  refreshMs?: number;
  /** Backfill an incomplete active generation (first start, Redis data lost) and finish retiring ones; default true. */
  selfRepair?: boolean;
  log?: (level: 'log' | 'warn' | 'error', message: string) => void;
  /**
   * Called after a chunk is written with each stream's version now applied (in every generation
   * written), e.g. to wake readers waiting for their own write. Best effort: errors are ignored.
   */
  onApplied?: (applied: AppliedProgress) => void;
}

/** What a chunk made visible: streams (tenant, aggregate type, id) at the version they reached. */
export interface AppliedProgress {
  family: string;
  generations: number[];
  streams: { tenant: string; aggregateType: string; aggregateId: string; version: number }[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** How long a retired generation stays readable after the switch before self-repair drops it. */
const RETIRE_GRACE_MS = 10_000;

/**
 * A projection family's live consumer: applies each chunk to every generation being written,
 * parks aggregates whose events the projection refuses (sending them and their successors to the
 * dead-letter topic while every other aggregate flows), acknowledges the generations epoch it
 * writes by, and repairs its own read models when they are incomplete.
 */
export class LiveProjection {
  readonly consumer: EventConsumer;
  private readonly deadLetters: DeadLetterPublisher;
  private doc: GenerationsDoc | undefined;
  private docAt = 0;
  private readonly inflight = new Map<number, number>();
  private readonly acked = new Map<string, number>();
  private stopping = false;
  private timer: NodeJS.Timeout | undefined;
  private upkeepRunning = false;
  private repairing: Promise<void> | undefined;
  private readonly lease: MongoLease;

  constructor(
    readonly family: ProjectionFamily,
    private readonly options: LiveProjectionOptions,
  ) {
    this.deadLetters = new DeadLetterPublisher(options.kafka, family.name, family.deadLetterTopic);
    this.consumer = new EventConsumer({
      kafka: options.kafka,
      groupId: family.groupId,
      topics: family.topics,
      handle: (chunk) => this.handle(chunk),
      ...(options.chunkSize ? { chunkSize: options.chunkSize } : {}),
      ...(options.concurrency ? { concurrency: options.concurrency } : {}),
      ...(options.log ? { log: options.log } : {}),
      // A new member reads the generations afresh before its first chunk: a rebuild may have begun since.
      onJoin: () => {
        this.docAt = 0;
        void this.maybeAck().catch(() => undefined);
      },
    });
    const leases = family.options.db.collection('leases') as unknown as Collection<{ _id: string; owner: string; expiresAt: Date }>;
    this.lease = new MongoLease(leases, `projection-upkeep:${family.name}`, `${hostname()}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`, 30_000);
  }

  get deadLetterTopic(): string {
    return this.deadLetters.topic;
  }

  async start(): Promise<void> {
    const doc = await this.generations(true);
    await Promise.all(this.family.writeSinks(doc).map((s) => s.prepare()));
    await this.family.exceptions.ensureIndexes();
    if (!this.timer) {
      this.timer = setInterval(() => void this.upkeep(), this.options.refreshMs ?? 1000);
      this.timer.unref();
      void this.upkeep();
    }
    await this.consumer.start();
  }

  /** Finishes the chunk in hand, commits, leaves the group, then stops the upkeep. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.consumer.stop();
    await this.repairing?.catch(() => undefined);
    await this.deadLetters.close();
    await this.lease.release().catch(() => undefined);
  }

  status() {
    return { ...this.consumer.status(), generations: this.doc, repairing: this.repairing !== undefined };
  }

  private async generations(force = false): Promise<GenerationsDoc> {
    if (force || !this.doc || Date.now() - this.docAt > (this.options.refreshMs ?? 1000)) {
      const fetched = (await this.family.registry.read(this.family.name)) ?? (await this.family.registry.ensure(this.family.name));
      // Reads can finish out of order: never step back to an older epoch than one already seen (and acknowledged).
      if (!this.doc || fetched.epoch >= this.doc.epoch) this.doc = fetched;
      this.docAt = Date.now();
    }
    return this.doc;
  }

  /** Acknowledges the oldest epoch any chunk in flight still writes by (or the current one), for this member id. */
  private async maybeAck(): Promise<void> {
    const member = this.consumer.memberId;
    if (!member || !this.doc) return;
    const busy = [...this.inflight].filter(([, n]) => n > 0).map(([e]) => e);
    const epoch = Math.min(this.doc.epoch, ...busy);
    // Per member id: after a rejoin the new id must acknowledge too, or a rebuild would wait for it forever.
    if (epoch <= (this.acked.get(member) ?? 0)) return;
    await this.family.registry.ack(this.family.name, member, epoch);
    this.acked.set(member, epoch);
  }

  private async upkeep(): Promise<void> {
    if (this.upkeepRunning) return;
    this.upkeepRunning = true;
    try {
      const doc = await this.generations(true);
      await this.maybeAck();
      metrics.parked.set({ group: this.family.groupId }, await this.family.exceptions.countParked());
      if (this.options.selfRepair !== false && !this.repairing && !this.stopping) {
        this.repairing = this.repair(doc)
          .catch((error: unknown) => this.options.log?.('warn', `${this.family.name} repair failed, will retry: ${error instanceof Error ? error.message : String(error)}`))
          .finally(() => (this.repairing = undefined));
      }
    } catch (error) {
      this.options.log?.('warn', `${this.family.name} upkeep failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this.upkeepRunning = false;
    }
  }

  /** One replica (the lease holder) backfills an incomplete active generation and drops a retired one. */
  private async repair(doc: GenerationsDoc): Promise<void> {
    const complete = await this.family.definition.isComplete(doc.active, doc);
    if (complete && !doc.retiring) return;
    if (!(await this.lease.tryAcquire())) return;
    const keepLease = setInterval(() => void this.lease.tryAcquire().catch(() => undefined), 10_000);
    try {
      if (!complete) {
        this.options.log?.('warn', `${this.family.name}: generation ${doc.active} is incomplete (first start, or its data was lost); backfilling it from the event store`);
        const events = await this.family.backfill(doc.active);
        await this.family.definition.markComplete(doc.active);
        this.options.log?.('log', `${this.family.name}: generation ${doc.active} backfilled (${events} events)`);
      }
      // Readers cache the active generation for a second or so: give them time to move before dropping.
      const retiredLongEnough = doc.retiring && Date.now() - new Date(doc.retiring.since).getTime() > RETIRE_GRACE_MS;
      if (doc.retiring && retiredLongEnough && !this.stopping && (await this.everyMemberAcked(doc.epoch))) {
        await Promise.all(this.family.sinks(doc.retiring.generation).map((s) => s.drop()));
        await this.family.registry.finishRetiring(this.family.name, doc.retiring.generation);
      }
    } finally {
      clearInterval(keepLease);
    }
  }

  private announce(streams: Map<string, StreamInput>, failures: Map<string, ProjectionFailure>, doc: GenerationsDoc): void {
    if (!this.options.onApplied) return;
    const applied = [...streams]
      .filter(([key, input]) => !failures.has(key) && input.events.length > 0)
      .map(([, input]) => ({ ...input.stream, version: Math.max(...input.events.map((e) => e.version)) }));
    if (applied.length === 0) return;
    try {
      this.options.onApplied({ family: this.family.name, generations: writeGenerations(doc), streams: applied });
    } catch {
      // announcements are an optimisation; readers also poll
    }
  }

  private async everyMemberAcked(epoch: number): Promise<boolean> {
    const admin = this.options.kafka.admin();
    await admin.connect();
    try {
      return (await unacknowledgedMembers(admin, this.family, epoch)).length === 0;
    } finally {
      await admin.disconnect();
    }
  }

  private async handle(chunk: Chunk): Promise<void> {
    // Counted in flight under the epoch known now, before the refresh, so no acknowledgement can pass it.
    const held = this.doc?.epoch ?? 0;
    this.inflight.set(held, (this.inflight.get(held) ?? 0) + 1);
    try {
      const doc = await this.generations();
      await this.apply(this.upcast(chunk), doc);
    } finally {
      this.inflight.set(held, (this.inflight.get(held) ?? 1) - 1);
      void this.maybeAck().catch(() => undefined);
    }
  }

  /** Events from Kafka carry the schema version they were written in: upcast them as the store does on read. */
  private upcast(chunk: Chunk): Chunk {
    const schemas = this.family.options.schemas;
    if (!schemas) return chunk;
    return {
      ...chunk,
      events: chunk.events.map((c) => {
        const { schemaVersion, data } = schemas.upcast(c.event.type, c.event.schemaVersion ?? 1, c.event.data);
        return schemaVersion === c.event.schemaVersion ? c : { ...c, event: { ...c.event, schemaVersion, data } };
      }),
    };
  }

  private async apply(chunk: Chunk, doc: GenerationsDoc): Promise<void> {
    const startedAt = Date.now();
    const group = this.family.groupId;
    const { topic, partition } = chunk;
    const letters: DeadLetter[] = chunk.undecodable.map((u) => ({ kind: 'undecodable', reason: u.reason, topic, partition, message: u.message }));
    const messages = new Map<string, ConsumedEvent[]>();
    const streams = byStream(chunk.events.map((c) => c.event));
    for (const consumed of chunk.events) {
      const { tenant, aggregateType, aggregateId } = consumed.event.metadata;
      const key = streamKey({ tenant, aggregateType, aggregateId });
      const list = messages.get(key);
      if (list) list.push(consumed);
      else messages.set(key, [consumed]);
    }
    const exceptions = await this.family.exceptions.forStreams([...streams.keys()]);
    for (const [key, input] of streams) {
      const exception = exceptions.get(key);
      if (exception?.skipped) input.skipped = new Set(exception.skipped);
      if (!exception?.parked) continue;
      // Versions before the parked one were applied before it failed: they go the normal (deduplicating) way.
      const failedVersion = exception.parked.failedVersion;
      const held = (messages.get(key) ?? []).filter((m) => m.event.version >= failedVersion);
      if (held.length === 0) continue;
      if (await this.family.exceptions.hold(key, held.map((m) => m.event.version))) {
        letters.push(...held.map((m) => ({ kind: 'held' as const, reason: `aggregate parked at version ${failedVersion}`, topic, partition, message: m.message })));
        input.events = input.events.filter((e) => e.version < failedVersion);
      }
    }
    const sinks = this.family.writeSinks(doc);
    let todo = streams;
    let failures = new Map<string, ProjectionFailure>();
    const attempts = this.options.attempts ?? 3;
    for (let attempt = 1; attempt <= attempts && todo.size > 0; attempt++) {
      const result = await this.family.processor.process(sinks, todo);
      metrics.events.inc({ group, outcome: 'applied' }, result.applied);
      metrics.events.inc({ group, outcome: 'duplicate' }, result.duplicates);
      metrics.gapFills.inc({ group }, result.filled);
      failures = result.failures;
      todo = new Map([...todo].filter(([key]) => failures.has(key)));
      if (failures.size && attempt < attempts) await sleep(100 * attempt);
    }
    for (const [key, failure] of failures) {
      const affected = (messages.get(key) ?? []).filter((m) => m.event.version >= failure.version);
      for (const m of affected) {
        const failed = m.event.version === failure.version;
        letters.push({ kind: failed ? 'failed' : 'held', reason: failed ? failure.message : `aggregate parked at version ${failure.version}`, topic, partition, message: m.message });
      }
    }
    await this.deadLetters.send(letters);
    for (const letter of letters) {
      metrics.deadLetters.inc({ group, kind: letter.kind });
      if (letter.kind === 'held') metrics.events.inc({ group, outcome: 'held' });
    }
    metrics.events.inc({ group, outcome: 'undecodable' }, chunk.undecodable.length);
    this.announce(streams, failures, doc);
    const failedAt = new Map([...failures].map(([key, f]) => [streams.get(key), f.version] as const).filter(([input]) => input !== undefined).map(([input, v]) => [`${input?.stream.tenant}|${input?.stream.aggregateType}|${input?.stream.aggregateId}`, v]));
    recordProjectionSpans(this.family.name, chunk.events, startedAt, failedAt);
    for (const [key, failure] of failures) {
      const input = streams.get(key);
      if (!input) continue;
      const first = (messages.get(key) ?? []).find((m) => m.event.version === failure.version);
      const held = (messages.get(key) ?? []).map((m) => m.event.version).filter((v) => v > failure.version);
      this.options.log?.('error', `${this.family.name}: parked ${key} at version ${failure.version}: ${failure.message}`);
      metrics.events.inc({ group, outcome: 'failed' });
      await this.family.exceptions.park(
        key,
        input.stream,
        { failedVersion: failure.version, view: failure.view, reason: failure.message, ...(first ? { source: { topic, partition, offset: first.message.offset } } : {}) },
        held,
      );
    }
  }
}
