// Rebuild events/s: `rebuild` of the MongoDB projection family (the operator CLI's path) backfilling a
// new generation from the event store, timed from "every replica writes both" to "backfilled", against
// one raw read of the events collection, the same view documents folded in memory and inserted once each.
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { MongoEventStore, toStoredEvents, type CommitDoc } from '@eventide/event-store';
import { rebuild } from '@eventide/projections';
import { familyNames, referenceFamily } from '@eventide/read-side';
import type { BenchContext, BenchPair, PairFactory } from '../harness/pair';
import { markMeasured, nowUs, profilingEnabled } from '../harness/profiling';
import { foldedDocs, type RawDoc } from './support/raw-writes';
import { commitDocs, insertCommits, schemas } from './support/read-load';

const BATCH = 500;
const size = (profile: BenchContext['profile']) => (profile === 'quick' ? { products: 150, orders: 150 } : { products: 400, orders: 400 });

function rebuildPair(profile: BenchContext['profile']): BenchPair {
  let ctx: BenchContext | undefined;
  let mongo: MongoClient | undefined;
  let admin: Admin | undefined;
  let runs = 0;
  let serverMs: Record<string, number> | undefined;
  const { products, orders } = size(profile);
  const need = () => {
    if (!ctx || !mongo || !admin) throw new Error('setup did not run');
    return { ctx, db: mongo.db(ctx.dbName), admin };
  };
  return {
    id: 'rebuild-mongo',
    group: 'rebuild',
    title: `rebuild of the MongoDB read models from the event store (${products * 5 + orders * 2} events)`,
    unit: 'events/s',
    higherIsBetter: true,
    baselineLabel: 'raw find() of the events collection, views folded in memory, insertMany of each document once',
    goal: 0.7,
    async setup(context) {
      ctx = context;
      // Profiled runs also sum the server time of ours's commands per command and collection (the
      // profile shows ours waiting on the server; this says on which round trips).
      mongo = await MongoClient.connect(context.mongoUrl, { monitorCommands: profilingEnabled() });
      const targets = new Map<number, string>();
      mongo.on('commandStarted', (e) => {
        if (!serverMs) return;
        const target = String(e.command[e.commandName === 'getMore' ? 'collection' : e.commandName] ?? '?');
        targets.set(e.requestId, `${e.commandName} ${target.startsWith('rm_') ? 'rm_*' : target} ms`);
      });
      mongo.on('commandSucceeded', (e) => {
        const key = targets.get(e.requestId);
        targets.delete(e.requestId);
        if (serverMs && key) serverMs[key] = (serverMs[key] ?? 0) + e.duration;
      });
      mongo.on('commandFailed', (e) => targets.delete(e.requestId));
      admin = new Kafka({ clientId: 'bench-rebuild', brokers: context.kafkaBrokers, logLevel: logLevel.NOTHING }).admin();
      await admin.connect();
      await insertCommits(mongo.db(context.dbName), commitDocs(context.tenant, products, orders, false));
    },
    async ours() {
      serverMs = profilingEnabled() ? {} : undefined;
      const { db, admin: a } = need();
      const family = referenceFamily(familyNames.mongo, { db, store: new MongoEventStore(db, { schemas }) });
      let began = 0;
      let ended = 0;
      let beganUs = 0;
      let events = 0;
      // No replica runs, so the acknowledgement step passes at once; what is timed is the backfill alone.
      await rebuild(family, {
        admin: a,
        dropDelayMs: 0,
        onProgress: (p) => {
          if (p.stage === 'replicas-writing-both') {
            began = performance.now();
            beganUs = nowUs();
          }
          if (p.stage === 'backfilled') {
            ended = performance.now();
            markMeasured(beganUs, nowUs());
          }
          if (p.events !== undefined) events = p.events;
        },
      });
      const counters = serverMs && Object.fromEntries(Object.entries(serverMs).map(([k, v]) => [k, Math.round(v)]));
      serverMs = undefined;
      return { value: events / ((ended - began) / 1000), operations: events, ...(counters ? { counters } : {}) };
    },
    async baseline() {
      const { db } = need();
      const prefix = `raw${++runs}_`;
      const started = performance.now();
      // One read of the whole collection, the views folded in memory, each document inserted once.
      const docs = await db.collection<CommitDoc>('events').find({}).toArray();
      for (const [c, folded] of foldedDocs(docs.flatMap((d) => toStoredEvents(d, schemas)))) {
        for (let i = 0; i < folded.length; i += BATCH) await db.collection<RawDoc>(`${prefix}${c}`).insertMany(folded.slice(i, i + BATCH), { ordered: false });
      }
      const events = docs.length;
      const seconds = (performance.now() - started) / 1000;
      for (const c of await db.listCollections({}, { nameOnly: true }).toArray()) if (c.name.startsWith(prefix)) await db.dropCollection(c.name);
      return { value: events / seconds, operations: events };
    },
    async teardown() {
      await admin?.disconnect();
      if (mongo && ctx) await mongo.db(ctx.dbName).dropDatabase().catch(() => undefined);
      await mongo?.close();
    },
  };
}

export const pairs: PairFactory = (profile) => [rebuildPair(profile)];
