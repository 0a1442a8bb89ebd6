// Our event store beside Emmett's MongoDB event store (@event-driven-io/emmett-mongodb), on the same
// server, with the same events and write concern: appends of 1 and 10 events, 1 and 16 concurrent
// writers on streams of their own, and a conflict-heavy case (many writers, few streams, expected
// versions, retry on conflict) that counts the appends that are really stored.
import { getMongoDBEventStore, type MongoDBEventStore } from '@event-driven-io/emmett-mongodb';
import { MongoClient, type Db } from 'mongodb';
import { EventSchemaRegistry, MongoEventStore, isConcurrencyError } from '@eventide/event-store';
import { timedWorkers } from '../harness/load';
import type { BenchContext, BenchPair, PairFactory, Sample } from '../harness/pair';
import { STORE_WRITE_CONCERN, appendContext, dropDb, freshCollection, productEvents, productStream, sideSeconds } from './write-load';

/** One side's store, seen through the operations the pairs need. */
interface Side {
  /** Appends after `expected`; returns the new version, or throws a conflict carrying the current head when known. */
  append(id: string, expected: number, count: number): Promise<number>;
  /** Events stored in the stream. */
  stored(id: string): Promise<number>;
  /** The head after a conflict whose error did not say it. */
  head(id: string): Promise<number>;
  /** The head a conflict error names, if it names one. */
  conflictHead(error: unknown): number | undefined | 'not-a-conflict';
  done(): Promise<void>;
}

const isDuplicateKey = (error: unknown) => typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000;

async function oursSide(db: Db, tenant: string): Promise<Side> {
  const collectionName = freshCollection('ours');
  const store = new MongoEventStore(db, { collectionName, schemas: new EventSchemaRegistry() });
  await store.ensureIndexes();
  const stream = (id: string) => productStream(tenant, id);
  return {
    append: async (id, expected, count) => (await store.append(stream(id), expected, productEvents(count, expected + 1), appendContext(`${id}-${expected}`))).toVersion,
    stored: async (id) => (await store.readStream(stream(id))).length,
    head: (id) => store.streamVersion(stream(id)),
    conflictHead: (error) => (isConcurrencyError(error) ? error.actualVersion : 'not-a-conflict'),
    done: () => db.dropCollection(collectionName).then(() => undefined),
  };
}

async function emmettSide(client: MongoClient, db: Db): Promise<Side> {
  // A stream type per side and repetition: Emmett keeps a collection per stream type.
  const type = freshCollection('product');
  const store: MongoDBEventStore = getMongoDBEventStore({ client, storage: { type: 'COLLECTION_PER_STREAM_TYPE', databaseName: db.databaseName } });
  const name = (id: string) => `${type}:${id}` as const;
  // Creates the collection and its index before the clock starts, as ensureIndexes does for ours.
  await store.appendToStream(name('warm'), productEvents(1, 1));
  return {
    append: async (id, expected, count) => Number((await store.appendToStream(name(id), productEvents(count, expected + 1), { expectedStreamVersion: BigInt(expected) })).nextExpectedStreamVersion),
    stored: async (id) => (await store.readStream(name(id))).events.length,
    head: async (id) => Number((await store.readStream(name(id))).currentStreamVersion),
    conflictHead: (error) => {
      if (isDuplicateKey(error)) return undefined;
      const current = (error as { name?: string; current?: unknown }).current;
      return error instanceof Error && /ExpectedVersionConflictError|ConcurrencyError/.test(error.constructor.name) ? (current === undefined ? undefined : Number(current)) : 'not-a-conflict';
    },
    done: () => db.dropCollection(`emt:${type}`).then(() => undefined),
  };
}

interface Sides {
  ours: () => Promise<Side>;
  emmett: () => Promise<Side>;
}

function peerPair(id: string, title: string, profile: BenchContext['profile'], measure: (side: Side, seconds: number) => Promise<Sample>): BenchPair {
  let client: MongoClient | undefined;
  let emmettClient: MongoClient | undefined;
  let db: Db | undefined;
  let sides: Sides | undefined;
  const run = async (which: keyof Sides) => {
    if (!sides) throw new Error('setup did not run');
    const side = await sides[which]();
    try {
      return await measure(side, sideSeconds(profile));
    } finally {
      await side.done();
    }
  };
  return {
    id,
    group: 'peer',
    title,
    unit: 'events/s',
    higherIsBetter: true,
    baselineLabel: `Emmett MongoDB event store, same server and write concern`,
    goal: 1,
    async setup(context) {
      client = new MongoClient(context.mongoUrl, { maxPoolSize: 24 });
      // Emmett takes the write concern from its client: the same one our store asks for on each append.
      emmettClient = new MongoClient(context.mongoUrl, { maxPoolSize: 24, writeConcern: STORE_WRITE_CONCERN });
      await Promise.all([client.connect(), emmettClient.connect()]);
      const database = client.db(context.dbName);
      db = database;
      const emmettDb = emmettClient.db(context.dbName);
      const tenant = context.tenant;
      sides = { ours: () => oursSide(database, tenant), emmett: () => emmettSide(emmettClient as MongoClient, emmettDb) };
    },
    ours: () => run('ours'),
    baseline: () => run('emmett'),
    async teardown() {
      await dropDb(db);
      await Promise.all([client?.close(), emmettClient?.close()]);
    },
  };
}

/** Each writer appends `count` events at a time, sequentially, to a stream of its own. */
function ownStreams(count: number, concurrency: number) {
  return (side: Side, seconds: number) => {
    const versions = new Array<number>(concurrency).fill(0);
    return timedWorkers(concurrency, seconds, async (worker) => {
      versions[worker] = await side.append(`w${worker}`, versions[worker] as number, count);
      return count;
    });
  };
}

/**
 * `writers` writers append one event at a time to `streams` streams with the version they last
 * saw; on a conflict they take the head the error names (or read it) and try again. The figure is
 * the events really stored per second; appends acknowledged but missing from the stream are counted.
 */
function contended(writers: number, streams: number) {
  return async (side: Side, seconds: number): Promise<Sample> => {
    const known = new Array<number>(streams).fill(0);
    let conflicts = 0;
    let acknowledged = 0;
    const sample = await timedWorkers(writers, seconds, async (worker, iteration) => {
      const s = (worker + iteration) % streams;
      try {
        known[s] = await side.append(`s${s}`, known[s] as number, 1);
        acknowledged++;
        return 1;
      } catch (error) {
        const head = side.conflictHead(error);
        if (head === 'not-a-conflict') throw error;
        conflicts++;
        known[s] = head ?? (await side.head(`s${s}`));
        return 0;
      }
    });
    let stored = 0;
    for (let s = 0; s < streams; s++) stored += await side.stored(`s${s}`);
    return {
      value: stored / sample.elapsedSeconds,
      operations: stored,
      ...(sample.latency ? { latency: sample.latency } : {}),
      counters: { acknowledged, stored, acknowledgedButLost: acknowledged - stored, conflicts },
    };
  };
}

export const pairs: PairFactory = (profile) => [
  ...[1, 10].flatMap((count) => [1, 16].map((c) => peerPair(`peer-${count}x-c${c}`, `append ${count} event${count > 1 ? 's' : ''}, ${c} concurrent`, profile, ownStreams(count, c)))),
  peerPair('peer-conflicts-w16-s2', '16 writers on 2 streams, retry on conflict', profile, contended(16, 2)),
];
