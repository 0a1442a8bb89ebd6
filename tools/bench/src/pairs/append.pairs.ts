// Append events/s through MongoEventStore.append against raw insertOne of the very same commit
// documents (built with toCommitDoc), at the same concurrency and write concern, into a collection
// with the same indexes. Every worker appends sequentially to a stream of its own.
import { MongoClient, type Db } from 'mongodb';
import { EventSchemaRegistry, MongoEventStore, toCommitDoc, type CommitDoc } from '@eventide/event-store';
import { timedWorkers } from '../harness/load';
import type { BenchContext, BenchPair, PairFactory } from '../harness/pair';
import { STORE_WRITE_CONCERN, appendContext, dropDb, freshCollection, productEvents, productStream, sideSeconds } from './write-load';

/**
 * `headKnown`: the caller promises its expected version is the head (`expectedVersionIsHead`), as the
 * command handler does after loading the aggregate, so the store skips its own head lookup.
 */
function appendPair(eventsPerCommand: number, concurrency: number, profile: BenchContext['profile'], headKnown = false): BenchPair {
  let client: MongoClient | undefined;
  let db: Db;
  let tenant = 'bench';
  const schemas = new EventSchemaRegistry();
  const seconds = sideSeconds(profile);

  /** A collection with the store's indexes, and the store on it. */
  const prepare = async (prefix: string) => {
    const collectionName = freshCollection(prefix);
    const store = new MongoEventStore(db, { collectionName, schemas });
    await store.ensureIndexes();
    return { store, collection: db.collection<CommitDoc>(collectionName), collectionName };
  };

  return {
    id: `append-${eventsPerCommand}x-c${concurrency}${headKnown ? '-head-known' : ''}`,
    group: 'append',
    title: `append ${eventsPerCommand} event${eventsPerCommand > 1 ? 's' : ''}/command, ${concurrency} concurrent${headKnown ? ', head known' : ''}`,
    unit: 'events/s',
    higherIsBetter: true,
    baselineLabel: 'raw insertOne of the same commit docs, same indexes, w:majority+j',
    goal: 0.8,
    async setup(context) {
      tenant = context.tenant;
      client = new MongoClient(context.mongoUrl, { maxPoolSize: Math.max(20, concurrency + 4) });
      await client.connect();
      db = client.db(context.dbName);
    },
    async ours() {
      const { store, collectionName } = await prepare('ours');
      const versions = new Array<number>(concurrency).fill(0);
      const sample = await timedWorkers(concurrency, seconds, async (worker) => {
        const version = versions[worker] as number;
        await store.append(productStream(tenant, `w${worker}`), version, productEvents(eventsPerCommand, version + 1), appendContext(`c${worker}-${version}`), { expectedVersionIsHead: headKnown });
        versions[worker] = version + eventsPerCommand;
        return eventsPerCommand;
      });
      await db.dropCollection(collectionName);
      return sample;
    },
    async baseline() {
      const { collection, collectionName } = await prepare('raw');
      const versions = new Array<number>(concurrency).fill(0);
      const sample = await timedWorkers(concurrency, seconds, async (worker) => {
        const version = versions[worker] as number;
        const doc = toCommitDoc({
          stream: productStream(tenant, `w${worker}`),
          fromVersion: version + 1,
          events: productEvents(eventsPerCommand, version + 1),
          context: appendContext(`c${worker}-${version}`),
          committedAt: new Date(),
          partition: 0,
          schemas,
        });
        await collection.insertOne(doc, { writeConcern: STORE_WRITE_CONCERN });
        versions[worker] = version + eventsPerCommand;
        return eventsPerCommand;
      });
      await db.dropCollection(collectionName);
      return sample;
    },
    async teardown() {
      await dropDb(db);
      await client?.close();
    },
  };
}

export const pairs: PairFactory = (profile) => [
  ...[1, 10].flatMap((events) => [1, 16, 64].map((concurrency) => appendPair(events, concurrency, profile))),
  ...[1, 16].map((concurrency) => appendPair(1, concurrency, profile, true)),
];
