import fc from 'fast-check';
import type { StoredEvent } from '@eventide/event-store';
import { mongoFamily, redisFamily } from './families';
import type { ProjectionFamilyDefinition } from './projection-family';
import { ProjectionProcessor, byStream } from './projection-processor';
import type { ProjectionSink } from './projection-sink';
import { readModelCollection, readModelId, redisGenerationPrefix, redisReadModelKey } from './read-model-names';
import { LiveProjection } from './live-projection';
import { dropRedisGeneration } from './redis.sink';
import { eventually, ProjectionHarness, sleep } from './testing/harness';
import { itemLog, itemTotals, type ItemLog } from './testing/test-projections';

/**
 * Model-based test of the projection runtime against real Kafka, MongoDB and Redis: random
 * sequences of appends published cleanly, duplicated, reversed or with a gap; redeliveries of old
 * events; replicas added, stopped gracefully or crashed mid-chunk (writes failing before or after
 * they land, then stopped without a commit); transient sink failures before or after the real
 * write; and concurrent deliveries of the same streams through the processor, their sink loads and
 * writes interleaved by `fc.scheduler()`. The model is a head version per stream. After every command
 * both read models hold, per stream, a contiguous prefix 1..v (MongoDB's version log, Redis'
 * applied counter equal to its version) that never goes back; at the end they reach the heads and
 * equal a fresh backfill from the event store. `MODEL_RUNS` raises the number of runs; `MODEL_DEBUG`
 * prints each run's commands and duration.
 *
 * Checked against three deliberate breaks of the runtime (not committed); it caught each:
 * - EventConsumer committing a chunk's offsets before handling it: a replica crashed mid-chunk (or
 *   stopped while a sink failed) loses the chunk, and the models never reach the heads;
 * - MongoDocumentSink replacing a document without its version condition: of two racing deliveries
 *   the shorter one landed last and rolled the document back behind what the other had applied;
 * - the Redis apply script without its applied-version checks: racing duplicates ran an event's
 *   writes twice (an `applied` counter of 3 at version 1).
 */

const RUNS = Number(process.env['MODEL_RUNS'] ?? 12);
/** `MODEL_SEED` and `MODEL_PATH` replay a failure fast-check reported (`{ seed, path }`). */
const replay = process.env['MODEL_SEED'] ? { seed: Number(process.env['MODEL_SEED']), path: process.env['MODEL_PATH'], endOnFailure: true } : {};
const MAX_COMMANDS = 8;
const STREAMS = 4;
const MAX_REPLICAS = 3;
const RACE_TIMEOUT_MS = 20_000;

// ---------------------------------------------------------------------------------------------
// Model and system under test

interface Model {
  /** Head version of each stream in the event store. */
  heads: number[];
  /** Versions each read model was last seen at: it must never go back. */
  seenMongo: number[];
  seenRedis: number[];
}

/** Faults injected at one replica's sink boundary: the data still goes to the real servers. */
interface Faults {
  /** Next writes that fail, and whether they fail after the real write landed. */
  transient: number;
  after: boolean;
  /** Every write fails (a replica about to crash). */
  crashed: boolean;
  hits: number;
}

interface Replica {
  id: number;
  faults: Faults;
  lives: LiveProjection[];
}

interface Real {
  h: ProjectionHarness;
  mongoName: string;
  redisName: string;
  replicas: Replica[];
  nextReplica: number;
  /** Events appended but not yet published: the outbox publisher sends them at the latest in `settle`. */
  unpublished: StoredEvent[];
}

const ids = Array.from({ length: STREAMS }, (_, i) => `s${i}`);

function faulty(sink: ProjectionSink, faults: Faults): ProjectionSink {
  const fail = (stage: string) => {
    faults.hits += 1;
    throw new Error(`injected sink failure ${stage} the write`);
  };
  const failing = () => {
    if (faults.crashed) return true;
    if (faults.transient <= 0) return false;
    faults.transient -= 1;
    return true;
  };
  return {
    view: sink.view,
    aggregateType: sink.aggregateType,
    load: (streams) => sink.load(streams),
    prepare: () => sink.prepare(),
    drop: () => sink.drop(),
    async write(writes) {
      if (!failing()) return sink.write(writes);
      if (!faults.after) fail('before');
      await sink.write(writes);
      return fail('after');
    },
  };
}

const withFaults = (definition: ProjectionFamilyDefinition, faults: Faults): ProjectionFamilyDefinition => ({
  ...definition,
  sinks: (generation) => definition.sinks(generation).map((s) => faulty(s, faults)),
});

async function startReplica(real: Real): Promise<Replica> {
  const { h } = real;
  const faults: Faults = { transient: 0, after: false, crashed: false, hits: 0 };
  const definitions = [mongoFamily(real.mongoName, h.db, [itemLog]), redisFamily(real.redisName, h.redis, h.db, [itemTotals])];
  const lives = definitions.map((d) => new LiveProjection(h.family(withFaults(d, faults)), { kafka: h.kafka, refreshMs: 200, chunkSize: 3, concurrency: 2 }));
  await Promise.all(lives.map((l) => l.start()));
  const replica = { id: real.nextReplica++, faults, lives };
  real.replicas.push(replica);
  return replica;
}

async function stopReplica(real: Real, replica: Replica): Promise<void> {
  real.replicas = real.replicas.filter((r) => r !== replica);
  await Promise.all(replica.lives.map((l) => l.stop()));
}

// ---------------------------------------------------------------------------------------------
// Read models

type LogDoc = ItemLog & { _id: string; version: number };

const logs = (real: Real, generation = 1) => real.h.db.collection<LogDoc>(readModelCollection(itemLog.view, generation));

async function mongoVersions(real: Real): Promise<number[]> {
  const docs = await logs(real).find({}).toArray();
  return ids.map((id) => {
    const doc = docs.find((d) => d._id === readModelId(real.h.tenant, id));
    if (!doc) return 0;
    // The log of applied versions proves exactly once and in order: it is 1..version, nothing else.
    expect({ id, versions: doc.versions }).toEqual({ id, versions: Array.from({ length: doc.version }, (_, i) => i + 1) });
    return doc.version;
  });
}

async function redisVersions(real: Real): Promise<number[]> {
  const key = (k: string) => redisReadModelKey(real.redisName, 1, real.h.tenant, k);
  // One transaction, so replicas writing meanwhile cannot tear the snapshot.
  const tx = real.h.redis.multi().hmget(key('applied:item'), ...ids).hget(key('totals'), 'events');
  for (const id of ids) tx.hgetall(key(`item:${id}`));
  const replies = ((await tx.exec()) ?? []).map(([error, value]) => {
    if (error) throw error;
    return value;
  });
  const positions = (replies[0] as (string | null)[]).map((v) => Number(v ?? 0));
  const versions = ids.map((id, i) => {
    const item = replies[2 + i] as Record<string, string>;
    const position = positions[i] as number;
    // `applied` counts every execution of the event's writes: equal to the version, or one ran twice (or was lost).
    expect({ id, applied: Number(item['applied'] ?? 0), version: Number(item['version'] ?? 0) }).toEqual({ id, applied: position, version: position });
    return position;
  });
  expect(Number(replies[1] ?? 0)).toBe(versions.reduce((a, b) => a + b, 0));
  return versions;
}

/** Both read models: contiguous, never behind what was seen before, never ahead of the store. */
async function checkInvariants(model: Model, real: Real): Promise<void> {
  const mongo = await mongoVersions(real);
  const redis = await redisVersions(real);
  ids.forEach((id, i) => {
    expect(mongo[i] as number).toBeGreaterThanOrEqual(model.seenMongo[i] as number);
    expect(redis[i] as number).toBeGreaterThanOrEqual(model.seenRedis[i] as number);
    expect(mongo[i] as number).toBeLessThanOrEqual(model.heads[i] as number);
    expect(redis[i] as number).toBeLessThanOrEqual(model.heads[i] as number);
  });
  model.seenMongo = mongo;
  model.seenRedis = redis;
}

async function redisDump(real: Real, generation: number): Promise<Record<string, Record<string, string>>> {
  const prefix = redisGenerationPrefix(real.redisName, generation);
  const keys = (await real.h.redis.keys(`${prefix}*`)).filter((k) => !k.endsWith(':complete')).sort();
  const dump: Record<string, Record<string, string>> = {};
  for (const key of keys) dump[key.slice(prefix.length)] = await real.h.redis.hgetall(key);
  return dump;
}

// ---------------------------------------------------------------------------------------------
// Commands

type Publish = 'clean' | 'duplicated' | 'reversed' | 'gap';

async function appendAndPublish(model: Model, real: Real, stream: number, count: number, publish: Publish): Promise<void> {
  const events = await real.h.append(ids[stream] as string, count);
  model.heads[stream] = (model.heads[stream] as number) + count;
  let sent: StoredEvent[] = events;
  if (publish === 'duplicated') sent = events.flatMap((e) => [e, e]);
  if (publish === 'reversed') sent = [...events].reverse();
  // The last event always travels, so the gap before it is filled from the store.
  if (publish === 'gap' && events.length > 1) sent = events.filter((_, i) => i !== 0);
  await real.h.publish(sent);
}

class AppendCommand implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly stream: number,
    readonly count: number,
    readonly publish: Publish,
  ) {}
  check = () => true;
  async run(model: Model, real: Real): Promise<void> {
    await appendAndPublish(model, real, this.stream, this.count, this.publish);
    await checkInvariants(model, real);
  }
  toString = () => `append(s${this.stream}, ${this.count}, ${this.publish})`;
}

/** Old events sent again: a producer retry, a group reset, a redelivery after a crash. */
class RedeliverCommand implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly stream: number,
    readonly from: number,
  ) {}
  check = (model: Readonly<Model>) => (model.heads[this.stream] as number) > 0;
  async run(model: Model, real: Real): Promise<void> {
    const head = model.heads[this.stream] as number;
    const events = await real.h.store.readStream(real.h.stream(ids[this.stream] as string), { fromVersion: 1 + (this.from % head) });
    await real.h.publish(events);
    await checkInvariants(model, real);
  }
  toString = () => `redeliver(s${this.stream}, from pick ${this.from})`;
}

class AddReplicaCommand implements fc.AsyncCommand<Model, Real> {
  check = () => true;
  async run(model: Model, real: Real): Promise<void> {
    if (real.replicas.length < MAX_REPLICAS) await startReplica(real);
    await checkInvariants(model, real);
  }
  toString = () => 'addReplica';
}

/**
 * Stops a replica. Gracefully: it finishes the chunk in hand, commits and leaves. Crashed: its writes
 * start failing (before or after they land) while fresh events arrive, and it stops without
 * committing the chunk in hand, which goes to another replica.
 */
class StopReplicaCommand implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly pick: number,
    readonly crash: null | { after: boolean; stream: number; count: number },
  ) {}
  check = () => true;
  async run(model: Model, real: Real): Promise<void> {
    const replica = real.replicas[this.pick % Math.max(1, real.replicas.length)];
    if (replica && this.crash) {
      replica.faults.crashed = true;
      replica.faults.after = this.crash.after;
      const hits = replica.faults.hits;
      for (let s = 0; s < STREAMS; s++) await appendAndPublish(model, real, (this.crash.stream + s) % STREAMS, this.crash.count, 'clean');
      // Give it the chance to fail a chunk, if it owns a partition the events went to.
      const deadline = Date.now() + 1500;
      while (replica.faults.hits === hits && Date.now() < deadline) await sleep(50);
    }
    if (replica) await stopReplica(real, replica);
    await checkInvariants(model, real);
  }
  toString = () => (this.crash ? `crashReplica(pick ${this.pick}, failing ${this.crash.after ? 'after' : 'before'} writes, ${this.crash.count} ev each)` : `stopReplica(pick ${this.pick})`);
}

class SinkFaultCommand implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly pick: number,
    readonly failures: number,
    readonly after: boolean,
    readonly stream: number,
  ) {}
  check = () => true;
  async run(model: Model, real: Real): Promise<void> {
    const replica = real.replicas[this.pick % Math.max(1, real.replicas.length)];
    if (replica && !replica.faults.crashed) Object.assign(replica.faults, { transient: this.failures, after: this.after });
    await appendAndPublish(model, real, this.stream, 2, 'clean');
    await checkInvariants(model, real);
  }
  toString = () => `sinkFault(pick ${this.pick}, ${this.failures} writes fail ${this.after ? 'after' : 'before'} landing, then append s${this.stream})`;
}

interface Delivery {
  from: number;
  span: number;
  shuffle: 'as-is' | 'reversed' | 'duplicated';
}

/**
 * Fresh events appended to a stream (published to Kafka, or left to the outbox, which sends them at
 * the latest when the run settles), then delivered concurrently
 * (a zombie replica, a backfill, a live chunk) through the processor into the live generation's real
 * sinks, with every sink load and write released in the scheduler's order. The deliveries overlap,
 * start and end at different versions, and race the live replicas when the events were published.
 */
class RaceCommand implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly stream: number,
    readonly fresh: number,
    readonly published: boolean,
    readonly deliveries: Delivery[],
    readonly scheduler: fc.Scheduler,
  ) {}
  check = () => true;

  [fc.cloneMethod](): RaceCommand {
    const scheduler = (this.scheduler as fc.Scheduler & fc.WithCloneMethod<fc.Scheduler>)[fc.cloneMethod]();
    return new RaceCommand(this.stream, this.fresh, this.published, this.deliveries, scheduler);
  }

  async run(model: Model, real: Real): Promise<void> {
    const s = this.scheduler;
    const { h } = real;
    const stream = this.stream;
    const before = model.heads[stream] as number;
    if (this.published) await appendAndPublish(model, real, stream, this.fresh, 'clean');
    else {
      real.unpublished.push(...(await h.append(ids[stream] as string, this.fresh)));
      model.heads[stream] = before + this.fresh;
    }
    const head = model.heads[stream] as number;
    const gate = (sink: ProjectionSink): ProjectionSink => ({
      view: sink.view,
      aggregateType: sink.aggregateType,
      prepare: () => sink.prepare(),
      drop: () => sink.drop(),
      load: (streams) => s.schedule(Promise.resolve(`load ${sink.view}`), `load ${sink.view}`).then(() => sink.load(streams)),
      write: (writes) => s.schedule(Promise.resolve(`write ${sink.view}`), `write ${sink.view}`).then(() => sink.write(writes)),
    });
    const sinks = [...mongoFamily(real.mongoName, h.db, [itemLog]).sinks(1), ...redisFamily(real.redisName, h.redis, h.db, [itemTotals]).sinks(1)].map(gate);
    const processor = new ProjectionProcessor(h.store);
    let reached = 0;
    const batches = await Promise.all(
      this.deliveries.map(async (d) => {
        // From the last event before the fresh ones (a redelivery) up to the head.
        const lo = Math.max(1, before);
        const from = lo + (d.from % (head - lo + 1));
        const to = Math.min(head, from + d.span);
        reached = Math.max(reached, to);
        const events = await h.store.readStream(h.stream(ids[stream] as string), { fromVersion: from, toVersion: to });
        return d.shuffle === 'reversed' ? events.reverse() : d.shuffle === 'duplicated' ? [...events, ...events] : events;
      }),
    );
    const all = Promise.all(batches.map((events) => processor.process(sinks, byStream(events))));
    const results = await Promise.race([s.waitFor(all), sleep(RACE_TIMEOUT_MS).then(() => Promise.reject(new Error(`race stuck: ${s.toString()}`)))]);
    for (const result of results) expect(result.failures.size).toBe(0);
    await checkInvariants(model, real);
    // A delivery that returned has its stream applied at least that far, by itself or by someone else.
    const at = (seen: number[]) => Math.min(seen[stream] as number, reached);
    expect({ mongo: at(model.seenMongo), redis: at(model.seenRedis) }).toEqual({ mongo: reached, redis: reached });
  }

  toString = () => `race(s${this.stream}, ${this.fresh} fresh ${this.published ? 'published' : 'unpublished'}, [${this.deliveries.map((d) => `pick ${d.from}+${d.span} ${d.shuffle}`).join(' | ')}], ${this.scheduler.toString()})`;
}

// ---------------------------------------------------------------------------------------------
// Arbitraries

const streamArb = fc.nat({ max: STREAMS - 1 });
const publishArb = fc.constantFrom<Publish>('clean', 'duplicated', 'reversed', 'gap');
const appendArb = fc.tuple(streamArb, fc.integer({ min: 1, max: 4 }), publishArb).map(([s, n, p]) => new AppendCommand(s, n, p));
const deliveryArb: fc.Arbitrary<Delivery> = fc.record({
  from: fc.nat(),
  span: fc.nat({ max: 3 }),
  shuffle: fc.constantFrom<Delivery['shuffle']>('as-is', 'reversed', 'duplicated'),
});

const raceArb = fc
    .tuple(streamArb, fc.integer({ min: 1, max: 3 }), fc.boolean(), fc.array(deliveryArb, { minLength: 2, maxLength: 3 }), fc.scheduler())
  .map(([stream, fresh, published, deliveries, s]) => new RaceCommand(stream, fresh, published, deliveries, s));

const commandArbs = [
  appendArb,
  appendArb,
  fc.tuple(streamArb, fc.nat()).map(([s, from]) => new RedeliverCommand(s, from)),
  fc.constant(new AddReplicaCommand()),
  fc
    .tuple(fc.nat(), fc.option(fc.record({ after: fc.boolean(), stream: streamArb, count: fc.integer({ min: 1, max: 3 }) }), { nil: null }))
    .map(([pick, crash]) => new StopReplicaCommand(pick, crash)),
  fc.tuple(fc.nat(), fc.integer({ min: 1, max: 3 }), fc.boolean(), streamArb).map(([pick, n, after, s]) => new SinkFaultCommand(pick, n, after, s)),
  raceArb,
  raceArb,
];

// ---------------------------------------------------------------------------------------------

/** Whatever the run did, one healthy replica drains the topic; then both models equal the store and a fresh backfill. */
async function settle(model: Model, real: Real): Promise<void> {
  for (const r of real.replicas) Object.assign(r.faults, { crashed: false, transient: 0 });
  if (real.replicas.length === 0) await startReplica(real);
  // The outbox catches up: a race that delivered only part of its fresh events left the rest to it.
  await real.h.publish(real.unpublished.splice(0));
  const heads = model.heads;
  let last = '';
  await eventually(async () => {
    const docs = await logs(real).find({}).toArray();
    const mongoAt = ids.map((id) => docs.find((d) => d._id === readModelId(real.h.tenant, id))?.version ?? 0);
    const redisAt = (await real.h.redis.hmget(redisReadModelKey(real.redisName, 1, real.h.tenant, 'applied:item'), ...ids)).map((v) => Number(v ?? 0));
    last = JSON.stringify({ mongo: mongoAt, redis: redisAt });
    return ids.every((_, i) => mongoAt[i] === heads[i] && redisAt[i] === heads[i]);
  }, `both read models to reach the heads ${JSON.stringify(heads)}`, 60_000).catch((error: Error) => {
    throw new Error(`${error.message}; last seen ${last}`);
  });
  await sleep(500); // anything applied twice would show by now
  await checkInvariants(model, real);
  expect(model.seenMongo).toEqual(heads);
  expect(model.seenRedis).toEqual(heads);

  // G5: a backfill from the event store into generation 2 equals what live projection built in 1.
  for (const definition of [mongoFamily(real.mongoName, real.h.db, [itemLog]), redisFamily(real.redisName, real.h.redis, real.h.db, [itemTotals])]) {
    await real.h.family(definition).backfill(2);
  }
  const byId = (docs: LogDoc[]) => docs.sort((a, b) => a._id.localeCompare(b._id));
  expect(byId(await logs(real, 1).find({}).toArray())).toEqual(byId(await logs(real, 2).find({}).toArray()));
  expect(await redisDump(real, 1)).toEqual(await redisDump(real, 2));
}

describe('projection runtime against a model (real Kafka, MongoDB-protocol server and Redis)', () => {
  let runs = 0;

  it(
    'appends, redeliveries, replicas added, stopped and crashed, sink faults and racing deliveries: exactly once, in order, equal to a rebuild',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.commands(commandArbs, { maxCommands: MAX_COMMANDS }).filter((c) => [...c].length >= 3), async (commands) => {
          runs += 1;
          const t0 = Date.now();
          // A world of its own per run: database, topics, consumer groups, tenant.
          const h = new ProjectionHarness(`model${runs}`, 3);
          const real: Real = { h, mongoName: `mongo-${h.run}`, redisName: `redis-${h.run}`, replicas: [], nextReplica: 1, unpublished: [] };
          await h.setUp([real.mongoName, real.redisName]);
          try {
            const first = await startReplica(real);
            for (const live of first.lives) await h.untilComplete(live.family);
            const setup = () => ({ model: { heads: ids.map(() => 0), seenMongo: ids.map(() => 0), seenRedis: ids.map(() => 0) }, real });
            let finalModel: Model | undefined;
            await fc.asyncModelRun(() => {
              const s = setup();
              finalModel = s.model;
              return s;
            }, commands);
            await settle(finalModel as Model, real);
            if (process.env['MODEL_DEBUG']) process.stderr.write(`run ${runs} ${Date.now() - t0}ms heads ${JSON.stringify(finalModel?.heads)}: ${commands.toString()}\n`);
          } finally {
            await Promise.all(real.replicas.map((r) => stopReplica(real, r)));
            for (const generation of [1, 2]) await dropRedisGeneration(h.redis, real.redisName, generation);
            await h.tearDown();
          }
        }),
        { numRuns: RUNS, ...replay },
      );
    },
    Math.max(180_000, RUNS * 30_000),
  );
});
