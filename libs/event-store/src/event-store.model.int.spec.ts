import fc from 'fast-check';
import type { Collection, Db, Document } from 'mongodb';
import { ConcurrencyError } from './event-store.errors';
import type { AppendContext, NewEvent, StoredEvent, StreamRef } from './event-store.types';
import { MongoEventStore } from './mongo-event-store';
import { freshStream, openTestDatabase, type TestDatabase } from './testing/mongo-test-database';

/**
 * Model-based test of the event store against the real server: random sequences of appends (from the
 * head, from stale versions, retried, racing) and reads (whole, ranges, temporal, by aggregate type),
 * each checked against a model that is just a list of events per stream. Races are interleaved by
 * `fc.scheduler()` at the level of single driver calls (head lookups, inserts, reads), so a failing
 * interleaving is reported and replayed exactly. `MODEL_RUNS` raises the number of runs.
 */

const RUNS = Number(process.env['MODEL_RUNS'] ?? 20);
const MAX_COMMANDS = 12;
const STREAMS = 3;
/** Race outcomes must be decided within this long, or the driver loop is stuck. */
const RACE_TIMEOUT_MS = 15_000;

type Via = 'range' | 'id-walk';

// ---------------------------------------------------------------------------------------------
// Model

interface ModelEvent {
  type: string;
  data: Record<string, unknown>;
  version: number;
  eventId: string;
  timestamp: string;
  correlationId: string;
  causationId: string;
  traceparent?: string;
}

interface AppendCall {
  expectedVersion: number;
  events: NewEvent[];
  context: AppendContext;
}

interface ModelStream {
  events: ModelEvent[];
  /** Heads the stream has had before its current one (0 and each earlier commit's last version). */
  pastHeads: number[];
  /** The last append that succeeded, as sent (with the event ids it got), to retry it. */
  lastAppend?: AppendCall;
}

interface Model {
  streams: ModelStream[];
}

const headOf = (stream: ModelStream): number => stream.events.length;

// ---------------------------------------------------------------------------------------------
// System under test: stores whose driver calls can be held and released by a scheduler

type Gate = <T>(label: string, operation: () => Promise<T>) => Promise<T>;

interface Real {
  db: Db;
  stores: Record<Via, MongoEventStore>;
  /** Set while a race runs: every findOne/insertOne/find of the stores goes through it. */
  gating: { gate?: Gate };
  streams: StreamRef[];
  aggregateType: string;
}

type AnyMethod = (...args: unknown[]) => unknown;

const describeCall = (method: string, args: unknown[]): string => {
  const filter = args[0] as Record<string, unknown> | undefined;
  if (method === 'insertOne') return `insertOne ${String(filter?.['_id'])}`;
  const id = filter?.['_id'];
  return id === undefined ? `${method} ${JSON.stringify(filter)}` : `${method} ${String(id)}`;
};

function gatedCollection(collection: Collection<Document>, gating: { gate?: Gate }): Collection<Document> {
  return new Proxy(collection, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      const method = value as AnyMethod;
      if (property === 'findOne' || property === 'insertOne') {
        return (...args: unknown[]) => {
          const gate = gating.gate;
          const call = () => method.apply(target, args) as Promise<unknown>;
          return gate ? gate(describeCall(property, args), call) : call();
        };
      }
      if (property === 'find') {
        return (...args: unknown[]) => {
          const gate = gating.gate;
          const cursor = method.apply(target, args) as { toArray(): Promise<unknown[]> };
          if (!gate) return cursor;
          // The range reader only ever drains a stream query with toArray.
          return { toArray: () => gate(describeCall('find', args), () => cursor.toArray()) };
        };
      }
      return method.bind(target);
    },
  });
}

function gatedDb(db: Db, gating: { gate?: Gate }): Db {
  return new Proxy(db, {
    get(target, property) {
      if (property === 'collection') {
        return (name: string) => gatedCollection(target.collection(name), gating);
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as AnyMethod).bind(target) : value;
    },
  });
}

// ---------------------------------------------------------------------------------------------
// Checks

const minuteAt = (minute: number): Date => new Date(Date.UTC(2026, 0, 1, 0, minute));

function expectedStored(stream: StreamRef, event: ModelEvent): StoredEvent {
  const metadata: StoredEvent['metadata'] = {
    eventId: event.eventId,
    type: event.type,
    schemaVersion: 1,
    aggregateType: stream.aggregateType,
    aggregateId: stream.aggregateId,
    version: event.version,
    tenant: stream.tenant,
    timestamp: event.timestamp,
    correlationId: event.correlationId,
    causationId: event.causationId,
  };
  if (event.traceparent !== undefined) metadata.traceparent = event.traceparent;
  return { eventId: event.eventId, type: event.type, schemaVersion: 1, data: event.data, version: event.version, metadata };
}

/** Versions contiguous from `from`, event ids distinct, and every event exactly as the model has it. */
function expectEvents(stream: StreamRef, actual: StoredEvent[], expected: ModelEvent[]): void {
  const versions = actual.map((e) => e.version);
  if (expected.length > 0) {
    const first = expected[0]?.version ?? 1;
    expect(versions).toEqual(Array.from({ length: versions.length }, (_, i) => first + i));
  }
  expect(new Set(actual.map((e) => e.eventId)).size).toBe(actual.length);
  expect(actual).toEqual(expected.map((e) => expectedStored(stream, e)));
}

/** The real stream, read whole by both strategies, and its head agree with the model. */
async function verifyStream(model: Model, real: Real, index: number): Promise<void> {
  const stream = real.streams[index] as StreamRef;
  const expected = (model.streams[index] as ModelStream).events;
  for (const via of ['range', 'id-walk'] as const) {
    const store = real.stores[via];
    expectEvents(stream, await store.readStream(stream), expected);
    expect(await store.streamVersion(stream)).toBe(expected.length);
  }
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => new Error('expected the append to be refused, but it succeeded'),
    (error: unknown) => error,
  );
}

function expectConflict(error: unknown, expectedVersion: number, actualVersion: number): void {
  expect(error).toBeInstanceOf(ConcurrencyError);
  expect((error as ConcurrencyError).details).toEqual({ expectedVersion, actualVersion });
}

/** Records a successful append in the model. */
function applyAppend(stream: ModelStream, call: AppendCall, stored: StoredEvent[]): void {
  const head = headOf(stream);
  stream.pastHeads.push(head);
  stream.events.push(
    ...call.events.map((event, i): ModelEvent => {
      const modelEvent: ModelEvent = {
        type: event.type,
        data: event.data,
        version: head + 1 + i,
        eventId: (call.context.eventIds?.[i] ?? stored[i]?.eventId) as string,
        timestamp: call.context.occurredAt.toISOString(),
        correlationId: call.context.correlationId,
        causationId: call.context.causationId,
      };
      if (call.context.traceparent !== undefined) modelEvent.traceparent = call.context.traceparent;
      return modelEvent;
    }),
  );
  stream.lastAppend = { ...call, context: { ...call.context, eventIds: stored.map((e) => e.eventId) } };
}

// ---------------------------------------------------------------------------------------------
// Commands

interface EventsSpec {
  events: NewEvent[];
  minute: number;
  /** Caller-chosen event ids rather than store-generated ones. */
  callerIds: boolean;
  trace: boolean;
}

let appendCounter = 0;

function buildCall(expectedVersion: number, spec: EventsSpec): AppendCall {
  appendCounter += 1;
  const n = appendCounter;
  const context: AppendContext = { correlationId: `corr-${n}`, causationId: `cause-${n}`, occurredAt: minuteAt(spec.minute) };
  if (spec.callerIds) context.eventIds = spec.events.map((_, i) => `evt-${n}-${i}`);
  if (spec.trace) context.traceparent = `00-${n.toString(16).padStart(32, '0')}-${'1'.repeat(16)}-01`;
  return { expectedVersion, events: spec.events, context };
}

const describeEvents = (spec: EventsSpec): string => `${spec.events.length} ev @${spec.minute}m${spec.callerIds ? ' ids' : ''}${spec.trace ? ' trace' : ''}`;

class AppendCommand implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly stream: number,
    readonly spec: EventsSpec,
    readonly via: Via,
    readonly vouch: boolean,
  ) {}
  check = () => true;
  async run(model: Model, real: Real): Promise<void> {
    const modelStream = model.streams[this.stream] as ModelStream;
    const call = buildCall(headOf(modelStream), this.spec);
    const result = await real.stores[this.via].append(real.streams[this.stream] as StreamRef, call.expectedVersion, call.events, call.context, {
      expectedVersionIsHead: this.vouch,
    });
    expect(result).toMatchObject({ fromVersion: call.expectedVersion + 1, toVersion: call.expectedVersion + call.events.length });
    applyAppend(modelStream, call, result.events);
    expectEvents(real.streams[this.stream] as StreamRef, result.events, modelStream.events.slice(call.expectedVersion));
    await verifyStream(model, real, this.stream);
  }
  toString = () => `append(s${this.stream}, ${describeEvents(this.spec)}, ${this.via}${this.vouch ? ', vouched' : ''})`;
}

class StaleAppendCommand implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly stream: number,
    readonly pick: number,
    readonly spec: EventsSpec,
    readonly via: Via,
    readonly vouch: boolean,
  ) {}
  /** A vouched stale version must still be a head the stream had, else the caller broke the promise. */
  check = (model: Readonly<Model>) => !this.vouch || headOf(model.streams[this.stream] as ModelStream) > 0;
  private chosen = -1;
  async run(model: Model, real: Real): Promise<void> {
    const modelStream = model.streams[this.stream] as ModelStream;
    const head = headOf(modelStream);
    const candidates = this.vouch
      ? modelStream.pastHeads
      : Array.from({ length: head + 4 }, (_, v) => v).filter((v) => v !== head);
    this.chosen = candidates[this.pick % candidates.length] as number;
    const call = buildCall(this.chosen, this.spec);
    const error = await rejection(
      real.stores[this.via].append(real.streams[this.stream] as StreamRef, call.expectedVersion, call.events, call.context, {
        expectedVersionIsHead: this.vouch,
      }),
    );
    expectConflict(error, this.chosen, head);
    await verifyStream(model, real, this.stream);
  }
  toString = () => `staleAppend(s${this.stream}, from ${this.chosen < 0 ? `pick ${this.pick}` : this.chosen}, ${describeEvents(this.spec)}, ${this.via}${this.vouch ? ', vouched' : ''})`;
}

/** The store has no idempotent appends: resending a succeeded append (same ids, same version) must conflict. */
class RetryAppendCommand implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly stream: number,
    readonly via: Via,
    readonly vouch: boolean,
  ) {}
  check = (model: Readonly<Model>) => model.streams[this.stream]?.lastAppend !== undefined;
  async run(model: Model, real: Real): Promise<void> {
    const modelStream = model.streams[this.stream] as ModelStream;
    const call = modelStream.lastAppend as AppendCall;
    const error = await rejection(
      real.stores[this.via].append(real.streams[this.stream] as StreamRef, call.expectedVersion, call.events, call.context, {
        expectedVersionIsHead: this.vouch,
      }),
    );
    expectConflict(error, call.expectedVersion, headOf(modelStream));
    await verifyStream(model, real, this.stream);
  }
  toString = () => `retryLastAppend(s${this.stream}, ${this.via}${this.vouch ? ', vouched' : ''})`;
}

interface Racer {
  spec: EventsSpec;
  via: Via;
  vouch: boolean;
}

/**
 * Two or three appends from the same head, plus optionally a reader, with their driver calls
 * interleaved by the scheduler: one call at a time in the scheduler's order (`serial`, replayable),
 * or released in the scheduler's order but left to overlap on the server.
 */
class RaceCommand implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly stream: number,
    readonly racers: Racer[],
    readonly reader: Via | null,
    readonly serial: boolean,
    readonly scheduler: fc.Scheduler,
  ) {}
  check = () => true;

  [fc.cloneMethod](): RaceCommand {
    const scheduler = (this.scheduler as fc.Scheduler & fc.WithCloneMethod<fc.Scheduler>)[fc.cloneMethod]();
    return new RaceCommand(this.stream, this.racers, this.reader, this.serial, scheduler);
  }

  async run(model: Model, real: Real): Promise<void> {
    const s = this.scheduler;
    const modelStream = model.streams[this.stream] as ModelStream;
    const stream = real.streams[this.stream] as StreamRef;
    const head = headOf(modelStream);
    const before = modelStream.events.slice();
    const calls = this.racers.map((racer) => buildCall(head, racer.spec));

    let inFlight = 0;
    real.gating.gate = async (label, operation) => {
      await s.schedule(Promise.resolve(label), label);
      inFlight += 1;
      try {
        return await operation();
      } finally {
        inFlight -= 1;
      }
    };
    let outcomes: PromiseSettledResult<{ events: StoredEvent[] }>[];
    let read: StoredEvent[] | undefined;
    try {
      const appends = this.racers.map((racer, i) => {
        const call = calls[i] as AppendCall;
        return real.stores[racer.via].append(stream, head, call.events, call.context, { expectedVersionIsHead: racer.vouch });
      });
      const reading = this.reader ? real.stores[this.reader].readStream(stream) : Promise.resolve(undefined);
      let done = false;
      const all = Promise.allSettled([Promise.allSettled(appends), reading]).finally(() => {
        done = true;
      });
      if (this.serial) {
        // Release one driver call, let it finish and its caller schedule its next one, repeat.
        const deadline = Date.now() + RACE_TIMEOUT_MS;
        while (!done) {
          while (!done && (inFlight > 0 || s.count() === 0)) {
            if (Date.now() > deadline) throw new Error(`race stuck: ${s.toString()}`);
            await new Promise((resolve) => setImmediate(resolve));
          }
          if (!done) await s.waitNext(1);
        }
      } else {
        await s.waitFor(all);
      }
      const [appendsSettled, readSettled] = await all;
      if (appendsSettled.status !== 'fulfilled') throw new Error('unreachable');
      outcomes = appendsSettled.value;
      if (readSettled.status === 'rejected') throw readSettled.reason;
      read = readSettled.value;
    } finally {
      real.gating.gate = undefined;
    }

    const winners = outcomes.flatMap((outcome, i) => (outcome.status === 'fulfilled' ? [{ i, events: outcome.value.events }] : []));
    expect(winners.map((w) => w.i)).toHaveLength(1);
    const winner = winners[0] as { i: number; events: StoredEvent[] };
    applyAppend(modelStream, calls[winner.i] as AppendCall, winner.events);
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') expectConflict(outcome.reason, head, headOf(modelStream));
    }
    if (read !== undefined) {
      // A concurrent reader sees the stream before the winning commit or after it, never part of it.
      const seen = read.length === before.length ? before : modelStream.events;
      expectEvents(stream, read, seen);
    }
    await verifyStream(model, real, this.stream);
  }

  toString = () =>
    `race(s${this.stream}, [${this.racers.map((r) => `${describeEvents(r.spec)} ${r.via}${r.vouch ? ' vouched' : ''}`).join(' | ')}]` +
    `${this.reader ? `, reader ${this.reader}` : ''}, ${this.serial ? 'serial' : 'overlapping'}, ${this.scheduler.toString()})`;
}

class ReadCommand implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly stream: number,
    readonly via: Via,
    readonly from: number | undefined,
    readonly span: number | undefined,
    readonly untilMinute: number | undefined,
  ) {}
  check = () => true;
  async run(model: Model, real: Real): Promise<void> {
    const events = (model.streams[this.stream] as ModelStream).events;
    const from = this.from;
    const to = from !== undefined && this.span !== undefined ? from + this.span : undefined;
    const until = this.untilMinute === undefined ? undefined : minuteAt(this.untilMinute);
    let expected = events.filter((e) => e.version >= (from ?? 1) && e.version <= (to ?? Number.MAX_SAFE_INTEGER));
    if (until) {
      const firstLater = expected.findIndex((e) => Date.parse(e.timestamp) > until.getTime());
      if (firstLater >= 0) expected = expected.slice(0, firstLater);
    }
    const options: { fromVersion?: number; toVersion?: number; untilTimestamp?: Date } = {};
    if (from !== undefined) options.fromVersion = from;
    if (to !== undefined) options.toVersion = to;
    if (until) options.untilTimestamp = until;
    const stream = real.streams[this.stream] as StreamRef;
    expectEvents(stream, await real.stores[this.via].readStream(stream, options), expected);
  }
  toString = () =>
    `read(s${this.stream}, ${this.via}, from ${String(this.from)}, to ${this.from !== undefined && this.span !== undefined ? this.from + this.span : 'head'}` +
    `${this.untilMinute === undefined ? '' : `, until ${this.untilMinute}m`})`;
}

class ReadAllCommand implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly tenantOf: number | undefined,
    readonly batchSize: number,
  ) {}
  check = () => true;
  async run(model: Model, real: Real): Promise<void> {
    const tenant = this.tenantOf === undefined ? undefined : (real.streams[this.tenantOf] as StreamRef).tenant;
    const order = real.streams
      .map((stream, index) => ({ stream, index }))
      .filter(({ stream }) => tenant === undefined || stream.tenant === tenant)
      .sort((a, b) => (a.stream.tenant < b.stream.tenant ? -1 : a.stream.tenant > b.stream.tenant ? 1 : a.stream.aggregateId < b.stream.aggregateId ? -1 : 1));
    const expected = order.flatMap(({ stream, index }) => (model.streams[index] as ModelStream).events.map((e) => expectedStored(stream, e)));
    const actual: StoredEvent[] = [];
    const options = tenant === undefined ? { batchSize: this.batchSize } : { tenant, batchSize: this.batchSize };
    for await (const event of real.stores.range.readAllOfType(real.aggregateType, options)) actual.push(event);
    expect(actual).toEqual(expected);
  }
  toString = () => `readAllOfType(${this.tenantOf === undefined ? 'all tenants' : `tenant of s${this.tenantOf}`}, batch ${this.batchSize})`;
}

// ---------------------------------------------------------------------------------------------
// Arbitraries

const streamArb = fc.nat({ max: STREAMS - 1 });
const viaArb = fc.constantFrom<Via>('range', 'id-walk');
const dataArb: fc.Arbitrary<Record<string, unknown>> = fc.record({
  n: fc.integer(),
  s: fc.string({ unit: 'grapheme', maxLength: 6 }),
  flag: fc.boolean(),
  list: fc.array(fc.oneof(fc.integer({ min: -1000, max: 1000 }), fc.constant(null), fc.string({ maxLength: 3 })), { maxLength: 3 }),
});
const newEventArb: fc.Arbitrary<NewEvent> = fc.record({ type: fc.constantFrom('Opened', 'Ticked', 'Renamed', 'Closed'), data: dataArb });
const eventsSpecArb: fc.Arbitrary<EventsSpec> = fc.record({
  events: fc.array(newEventArb, { minLength: 1, maxLength: 5 }),
  minute: fc.nat({ max: 30 }),
  callerIds: fc.boolean(),
  trace: fc.boolean(),
});
const racerArb: fc.Arbitrary<Racer> = fc.record({ spec: eventsSpecArb, via: viaArb, vouch: fc.boolean() });

const readArb = fc
  .tuple(
    streamArb,
    viaArb,
    fc.option(fc.nat({ max: 20 }), { nil: undefined }),
    fc.option(fc.integer({ min: -1, max: 8 }), { nil: undefined }),
    fc.option(fc.integer({ min: -1, max: 31 }), { nil: undefined }),
  )
  .map(([s, via, from, span, until]) => new ReadCommand(s, via, from, span, until));

const commandArbs = [
  fc.tuple(streamArb, eventsSpecArb, viaArb, fc.boolean()).map(([s, spec, via, vouch]) => new AppendCommand(s, spec, via, vouch)),
  fc.tuple(streamArb, eventsSpecArb, viaArb, fc.boolean()).map(([s, spec, via, vouch]) => new AppendCommand(s, spec, via, vouch)),
  fc
    .tuple(streamArb, fc.nat(), eventsSpecArb, viaArb, fc.boolean())
    .map(([s, pick, spec, via, vouch]) => new StaleAppendCommand(s, pick, spec, via, vouch)),
  fc.tuple(streamArb, viaArb, fc.boolean()).map(([s, via, vouch]) => new RetryAppendCommand(s, via, vouch)),
  fc
    .tuple(streamArb, fc.array(racerArb, { minLength: 2, maxLength: 3 }), fc.option(viaArb, { nil: null }), fc.boolean(), fc.scheduler())
    .map(([s, racers, reader, serial, scheduler]) => new RaceCommand(s, racers, reader, serial, scheduler)),
  readArb,
  readArb,
  fc
    .tuple(fc.option(streamArb, { nil: undefined }), fc.integer({ min: 1, max: 4 }))
    .map(([tenantOf, batchSize]) => new ReadAllCommand(tenantOf, batchSize)),
];

// ---------------------------------------------------------------------------------------------

describe('event store against a model (MongoDB-protocol server)', () => {
  let database: TestDatabase;
  let runs = 0;

  beforeAll(async () => {
    database = await openTestDatabase('model');
    await new MongoEventStore(database.db).ensureIndexes();
  });
  afterAll(() => database?.dispose());

  it(
    'appends, stale and retried appends, races and reads agree with a list of events per stream',
    async () => {
      const gating: { gate?: Gate } = {};
      const db = gatedDb(database.db, gating);
      const stores: Record<Via, MongoEventStore> = {
        range: new MongoEventStore(db, { streamReads: 'range' }),
        'id-walk': new MongoEventStore(db, { streamReads: 'id-walk' }),
      };
      await fc.assert(
        fc.asyncProperty(fc.commands(commandArbs, { maxCommands: MAX_COMMANDS }), async (commands) => {
          runs += 1;
          // Streams of their own per run: an aggregate type of its own, two tenants, ids that sort apart.
          const aggregateType = `Model${runs}`;
          const streams = [freshStream(aggregateType, 'tenant-a'), freshStream(aggregateType, 'tenant-a'), freshStream(aggregateType, 'tenant-b')];
          const setup = () => ({
            model: { streams: streams.map((): ModelStream => ({ events: [], pastHeads: [] })) },
            real: { db, stores, gating, streams, aggregateType },
          });
          try {
            await fc.asyncModelRun(setup, commands);
          } finally {
            // FerretDB scans the collection for range reads: keep it small however many runs there are.
            await database.db.collection('events').deleteMany({ aggregateType });
          }
        }),
        { numRuns: RUNS },
      );
    },
    Math.max(120_000, RUNS * 6_000),
  );
});
