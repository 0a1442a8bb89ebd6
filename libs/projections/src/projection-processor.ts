import { streamKey, type MongoEventStore, type StoredEvent, type StreamRef } from '@eventide/event-store';
import { ProjectionFailure, type ProjectionSink, type StreamWrite } from './projection-sink';
import { planStream } from './stream-plan';

/** One stream's events in a batch, and the versions an operator chose to skip. */
export interface StreamInput {
  stream: StreamRef;
  events: StoredEvent[];
  skipped: ReadonlySet<number>;
}

export interface ProcessResult {
  /** Events written, summed over sinks. */
  applied: number;
  /** Events that were already applied, summed over sinks. */
  duplicates: number;
  /** Gaps filled from the event store. */
  filled: number;
  /** Streams a projection could not apply, with the first failure. */
  failures: Map<string, ProjectionFailure>;
}

/** Rounds of load-plan-write a stream may lose to concurrent writers before the batch is retried. */
const MAX_ROUNDS = 10;

/** Groups events by stream, keeping each stream's arrival order. */
export function byStream(events: readonly StoredEvent[], skippedOf: (key: string) => ReadonlySet<number> = () => new Set()): Map<string, StreamInput> {
  const streams = new Map<string, StreamInput>();
  for (const event of events) {
    const stream = { tenant: event.metadata.tenant, aggregateType: event.metadata.aggregateType, aggregateId: event.metadata.aggregateId };
    const key = streamKey(stream);
    let input = streams.get(key);
    if (!input) streams.set(key, (input = { stream, events: [], skipped: skippedOf(key) }));
    input.events.push(event);
  }
  return streams;
}

/**
 * Applies batches of events to sinks exactly once and in per-stream version order: for each sink it
 * loads the streams' applied versions, plans each stream ({@link planStream}), fills gaps from the
 * event store, and writes with conditions; streams that lost a race are loaded and planned again.
 * Used both by live consumers (events from Kafka) and by backfills (events from the store).
 */
export class ProjectionProcessor {
  constructor(private readonly store: MongoEventStore) {}

  async process(sinks: readonly ProjectionSink[], streams: ReadonlyMap<string, StreamInput>): Promise<ProcessResult> {
    const result: ProcessResult = { applied: 0, duplicates: 0, filled: 0, failures: new Map() };
    const fills = new Map<string, Promise<StoredEvent[]>>();
    const fill = (input: StreamInput, from: number, to: number) => {
      const id = `${streamKey(input.stream)}|${from}|${to}`;
      let read = fills.get(id);
      if (!read) {
        result.filled++;
        fills.set(id, (read = this.store.readStream(input.stream, { fromVersion: from, toVersion: to })));
      }
      return read;
    };
    await Promise.all(sinks.map((sink) => this.processSink(sink, streams, fill, result)));
    return result;
  }

  private async processSink(
    sink: ProjectionSink,
    streams: ReadonlyMap<string, StreamInput>,
    fill: (input: StreamInput, from: number, to: number) => Promise<StoredEvent[]>,
    result: ProcessResult,
  ): Promise<void> {
    let pending = [...streams].filter(([, s]) => s.stream.aggregateType === sink.aggregateType);
    for (let round = 1; pending.length > 0; round++) {
      if (round > MAX_ROUNDS) throw new Error(`${sink.view}: ${pending.length} streams kept losing write races`);
      const loaded = await sink.load(pending.map(([key, s]) => ({ key, stream: s.stream })));
      const writes: StreamWrite[] = [];
      await Promise.all(
        pending.map(async ([key, input]) => {
          const at = loaded.get(key) ?? { version: 0 };
          const plan = planStream(at.version, input.events, input.skipped);
          if (plan.kind === 'nothing') {
            if (round === 1) result.duplicates += input.events.length;
            return;
          }
          const events = plan.kind === 'apply' ? plan.events : await fill(input, plan.from, plan.to);
          if (plan.kind === 'fill' && events[events.length - 1]?.version !== plan.to) {
            // Kafka holds a version the store does not: bounded retries, then the stream is parked.
            const missing = new Error(`the event store does not hold versions ${plan.from}..${plan.to} of this stream`);
            result.failures.set(key, new ProjectionFailure(sink.view, plan.from, missing));
            return;
          }
          writes.push({ key, stream: input.stream, loaded: at, events, skipped: input.skipped });
        }),
      );
      const outcomes = writes.length ? await sink.write(writes) : new Map();
      const again = new Set<string>();
      for (const w of writes) {
        const outcome = outcomes.get(w.key);
        if (outcome?.kind === 'moved') again.add(w.key);
        else if (outcome?.kind === 'failed') {
          const known = result.failures.get(w.key);
          if (!known || outcome.failure.version < known.version) result.failures.set(w.key, outcome.failure);
        } else result.applied += w.events.length;
      }
      pending = pending.filter(([key]) => again.has(key));
    }
  }
}
