import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { MongoClient, type Db } from 'mongodb';
import { aggregateTypes, eventSchemas, mongoReadModels } from '@eventide/domain';
import { startService, stopServices, waitReady, type RunningService } from '@eventide/dev';
import { EventSchemaRegistry, MongoEventStore } from '@eventide/event-store';
import { down, infraSettings, up } from '@eventide/local-infra';
import { consumerGroupFor, topicFor } from '@eventide/messaging';
import { readModelCollection, rebuild, redisGenerationPrefix, type ProjectionFamily } from '@eventide/projections';
import { familyNames, referenceFamily } from '@eventide/read-side';
import { serviceCatalogue, serviceNames, type ServiceName } from '@eventide/service-kit';
import { FaultProxy } from './fault-proxy';
import { faultLabel, planFaults, type Fault, type ServerName } from './faults';
import { CommandClient, runWorkload, seededRandom, type Tenant } from './workload';

export interface SoakProfile {
  name: string;
  seed: number;
  /** How long the load runs while faults are injected. */
  loadSeconds: number;
  faults: number;
  workers: number;
  serverRestarts: boolean;
}

export const profiles: Record<'short' | 'long', Omit<SoakProfile, 'seed'>> = {
  short: { name: 'short', loadSeconds: 60, faults: 19, workers: 3, serverRestarts: true },
  long: { name: 'long', loadSeconds: 600, faults: 90, workers: 4, serverRestarts: true },
};

export interface SoakReport {
  profile: string;
  seed: number;
  commands: { sent: number; acked: number; refused: number; unknown: number; byKind: Record<string, number> };
  faults: Record<string, number>;
  events: number;
  conflicts: { tried: number; bothWon: number; examples: string[] };
  checks: {
    lostAcknowledged: string[];
    duplicatedCommands: string[];
    refusedButStored: string[];
    ackVersionMismatch: string[];
    outOfOrder: string[];
    duplicateDeliveries: number;
    pendingOrders: string[];
    stockNotConserved: string[];
    dashboardMismatch: string[];
    readModelsDifferFromRebuild: string[];
  };
  drainSeconds: number;
  seconds: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function eventually(check: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(500);
  }
}

interface StoredCommit {
  tenant: string;
  aggregateType: 'product' | 'order';
  aggregateId: string;
  fromVersion: number;
  toVersion: number;
  events: { eventId: string; type: string; version: number; data: Record<string, unknown>; metadata: { correlationId: string; causationId: string } }[];
}

/**
 * The chaos soak: the four services run behind TCP fault proxies (Kafka through a listener that
 * advertises its proxy) with their own database, Redis db, topic and group prefixes; a seeded load
 * of commands runs while a seeded plan of faults is injected; then faults stop, the system drains,
 * and the guarantees are checked against the event store, Kafka and the read models.
 */
export async function runSoak(profile: SoakProfile, log: (line: string) => void = () => undefined): Promise<SoakReport> {
  const started = Date.now();
  const settings = infraSettings();
  const run = `chaos${profile.seed}x${Date.now().toString(36)}`;
  const random = seededRandom(profile.seed);
  const dir = join(settings.stateDir, 'chaos', run);
  await mkdir(dir, { recursive: true });
  // The soak restarts servers, so they must be the local ones this project manages; the connection
  // variables a test run exports point at those same servers and would make `up` start nothing.
  const local = { KAFKA_BROKERS: `127.0.0.1:${settings.ports.kafka}`, MONGO_URL: `mongodb://127.0.0.1:${settings.ports.mongo}/?directConnection=true`, REDIS_URL: `redis://127.0.0.1:${settings.ports.redis}` };
  for (const [name, url] of Object.entries(local)) {
    const given = process.env[name];
    if (given && given !== url) throw new Error(`the chaos soak restarts the local servers; ${name}=${given} points elsewhere`);
    delete process.env[name];
  }
  await up(settings); // idempotent: reuses the running local servers

  const proxies: Record<ServerName, FaultProxy> = {
    kafka: new FaultProxy('kafka', { host: '127.0.0.1', port: settings.ports.kafkaFaults }),
    mongo: new FaultProxy('mongo', { host: '127.0.0.1', port: settings.ports.mongo }),
    redis: new FaultProxy('redis', { host: '127.0.0.1', port: settings.ports.redis }),
  };
  await proxies.kafka.listen(settings.ports.kafkaFaultsProxy);
  await proxies.mongo.listen();
  await proxies.redis.listen();

  const redisDb = 9;
  const tenants: Tenant[] = [
    { name: `${run}-a`, key: `${run}-key-a` },
    { name: `${run}-b`, key: `${run}-key-b` },
  ];
  const env: NodeJS.ProcessEnv = {
    KAFKA_BROKERS: `127.0.0.1:${settings.ports.kafkaFaultsProxy}`,
    MONGO_URL: `mongodb://127.0.0.1:${proxies.mongo.port}/?directConnection=true`,
    REDIS_URL: `redis://127.0.0.1:${proxies.redis.port}/${redisDb}`,
    MONGO_DB: run,
    KAFKA_TOPIC_PREFIX: `${run}.`,
    KAFKA_GROUP_PREFIX: `${run}.`,
    API_KEYS: tenants.map((t) => `${t.key}=${t.name}`).join(','),
    RATE_LIMIT_RPS: '100000',
    EVENTIDE_TRACE_FILE: join(dir, 'traces.jsonl'),
    ...Object.fromEntries(serviceNames.map((name, i) => [serviceCatalogue[name].portEnv, String(4100 + i)])),
  };

  const mongo = new MongoClient(`mongodb://127.0.0.1:${settings.ports.mongo}/?directConnection=true`, { serverSelectionTimeoutMS: 30_000 });
  const redis = new Redis(`redis://127.0.0.1:${settings.ports.redis}/${redisDb}`, { maxRetriesPerRequest: 20 });
  redis.on('error', () => undefined);
  const kafka = new Kafka({ clientId: 'chaos-check', brokers: [`127.0.0.1:${settings.ports.kafka}`], logLevel: logLevel.NOTHING });
  const services = new Map<ServiceName, RunningService>();
  const faultCounts: Record<string, number> = {};
  const conflicts = { tried: 0, bothWon: 0, examples: [] as string[] };
  let admin: Admin | undefined;
  let failed = true;

  const startOne = async (name: ServiceName) => {
    const service = await startService(name, env, { echo: false, logDir: dir, appendLog: services.has(name) });
    services.set(name, service);
    return service;
  };

  try {
    await redis.flushdb();
    for (const name of serviceNames) await startOne(name);
    await Promise.all([...services.values()].map((s) => waitReady(s, 90_000)));
    log(`services up (${run}); load for ${profile.loadSeconds}s with ${profile.faults} faults`);
    const db = mongo.db(run);
    const store = new MongoEventStore(db, { schemas: new EventSchemaRegistry(eventSchemas) });
    const client = new CommandClient(services.get('command-service')?.url as string, { attempts: 14, timeoutMs: 10_000 });

    // Load and faults together.
    const loadEnds = Date.now() + profile.loadSeconds * 1000;
    let faultsDone = false;
    const load = runWorkload({
      client,
      tenants,
      random: seededRandom(profile.seed + 1),
      workers: profile.workers,
      until: () => faultsDone && Date.now() > loadEnds,
      conflicts,
      store: {
        events: async (tenant, aggregateType, id) => (await store.readStream({ tenant, aggregateType, aggregateId: id })).map((e) => ({ type: e.type, version: e.version, data: e.data as Record<string, unknown> })),
      },
    });
    const plan = planFaults(random, profile.faults, { serverRestarts: profile.serverRestarts });
    const gap = (profile.loadSeconds * 1000) / (plan.length + 1);
    for (const fault of plan) {
      await sleep(gap * (0.5 + random()));
      log(`fault: ${faultLabel(fault)}`);
      await inject(fault);
      faultCounts[faultLabel(fault).replace(/ (command-service|query-gateway|projector-mongo|projector-redis)$/, ' a service').replace(/ on the (kafka|mongo|redis) link$/, ' (link)')] =
        (faultCounts[faultLabel(fault).replace(/ (command-service|query-gateway|projector-mongo|projector-redis)$/, ' a service').replace(/ on the (kafka|mongo|redis) link$/, ' (link)')] ?? 0) + 1;
    }
    faultsDone = true;
    await load;
    log(`load done: ${client.ledger.length} commands; draining`);

    // Drain: every service up and ready, nothing left to publish, every consumer group at the end.
    for (const proxy of Object.values(proxies)) proxy.set(undefined);
    for (const name of serviceNames) {
      const service = services.get(name) as RunningService;
      if (service.child.exitCode !== null || service.child.signalCode !== null) await startOne(name);
    }
    await Promise.all([...services.values()].map((s) => waitReady(s, 120_000)));
    const drainStarted = Date.now();
    admin = kafka.admin();
    await admin.connect();
    const topics = Object.values(aggregateTypes).map((t) => topicFor(t, `${run}.`));
    // Each group and the topics it reads: projectors read both, fulfilment only orders.
    const groups = [
      ...[familyNames.mongo, familyNames.redis].map((f) => ({ group: consumerGroupFor(f, `${run}.`), topics })),
      ...serviceCatalogue['command-service'].consumerGroups.map((g) => ({ group: consumerGroupFor(g, `${run}.`), topics: [topicFor(aggregateTypes.order, `${run}.`)] })),
    ];
    let behind = 'not checked yet';
    let lastPositions = '';
    const caughtUp = async () => {
      const positions: string[] = [];
      const pending = (await store.pendingStats()).count;
      if (pending > 0) {
        behind = `${pending} commits unpublished`;
        return false;
      }
      for (const { group, topics: read } of groups) {
        for (const topic of read) {
          const ends = await (admin as Admin).fetchTopicOffsets(topic);
          const committed = (await (admin as Admin).fetchOffsets({ groupId: group, topics: [topic] }))[0]?.partitions ?? [];
          for (const end of ends) {
            const at = committed.find((c) => c.partition === end.partition)?.offset ?? '-1';
            positions.push(`${group}/${topic}/${end.partition}:${at}/${end.high}`);
            // The transactional publisher ends each partition with a commit marker, an offset that is
            // never delivered, so a group that is done stands one short of the end. A real event
            // left unapplied would still show up below, as a read model that differs from a rebuild.
            if (end.high !== '0' && Number(at) < Number(end.high) - 1) {
              behind = `${group} at ${at} of ${end.high} on ${topic}/${end.partition}`;
              return false;
            }
          }
        }
      }
      // Still moving (fulfilment's own commands make new events): not drained yet.
      const settled = positions.join(',') === lastPositions;
      lastPositions = positions.join(',');
      if (!settled) behind = 'positions still moving';
      return settled;
    };
    // Fulfilment's commands make new events, so "caught up" must hold twice in a row, apart.
    await eventually(async () => (await caughtUp()) && (await sleep(3000).then(caughtUp)), 'the system to drain', 300_000).catch((error: Error) => {
      throw new Error(`${error.message}: ${behind}`);
    });
    const drainSeconds = (Date.now() - drainStarted) / 1000;
    log(`drained in ${drainSeconds.toFixed(1)}s; checking`);

    const checks = await verify(db, client.ledger, tenants, topics, admin, services, redis, run);
    failed = Object.values(checks).some((v) => (Array.isArray(v) ? v.length > 0 : false)) || conflicts.bothWon > 0;
    return {
      profile: profile.name,
      seed: profile.seed,
      commands: {
        sent: client.ledger.length,
        acked: client.ledger.filter((e) => e.outcome === 'acked').length,
        refused: client.ledger.filter((e) => e.outcome === 'refused').length,
        unknown: client.ledger.filter((e) => e.outcome === 'unknown').length,
        byKind: client.ledger.reduce<Record<string, number>>((acc, e) => ({ ...acc, [e.kind]: (acc[e.kind] ?? 0) + 1 }), {}),
      },
      faults: faultCounts,
      events: (await db.collection<StoredCommit>('events').find({}, { projection: { toVersion: 1, fromVersion: 1 } }).toArray()).reduce((n, c) => n + c.toVersion - c.fromVersion + 1, 0),
      conflicts,
      checks,
      drainSeconds,
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    for (const proxy of Object.values(proxies)) proxy.set(undefined);
    await stopServices([...services.values()]);
    await admin?.disconnect().catch(() => undefined);
    await Promise.all(Object.values(proxies).map((p) => p.close()));
    // Kept when a check failed, for forensics (CHAOS_KEEP=1 keeps it always).
    if (!failed && process.env['CHAOS_KEEP'] !== '1') await mongo.db(run).dropDatabase().catch(() => undefined);
    else log(`kept database ${run} for inspection`);
    await redis.flushdb().catch(() => undefined);
    redis.disconnect();
    await mongo.close();
    await writeFile(join(dir, 'done'), new Date().toISOString());
  }

  async function inject(fault: Fault): Promise<void> {
    if (fault.kind === 'kill-service') {
      const service = services.get(fault.service) as RunningService;
      if (service.child.pid !== undefined && service.child.exitCode === null) {
        const closed = new Promise((resolve) => service.child.once('close', resolve));
        service.child.kill('SIGKILL');
        await closed;
      }
      await sleep(fault.downMs);
      await startOne(fault.service);
      return;
    }
    if (fault.kind === 'restart-server') {
      await down(settings, [fault.server]);
      // A loaded machine can take longer than the server's own start-up wait: keep waiting, bounded.
      for (let attempt = 1; ; attempt++) {
        try {
          await up(settings, [fault.server]);
          break;
        } catch (error) {
          if (attempt >= 6) throw error;
          log(`${fault.server} not ready yet (${String(error).split('\n')[0]}); waiting`);
        }
      }
      return;
    }
    const proxy = proxies[fault.server];
    proxy.set(fault.fault);
    if (fault.forMs > 0) {
      await sleep(fault.forMs);
      proxy.set(undefined);
    }
  }
}

/** The guarantees, checked once the system has drained. */
async function verify(
  db: Db,
  ledger: CommandClient['ledger'],
  tenants: Tenant[],
  topics: string[],
  admin: Admin,
  services: Map<ServiceName, RunningService>,
  redis: Redis,
  run: string,
): Promise<SoakReport['checks']> {
  const commits = await db.collection<StoredCommit>('events').find({}).toArray();
  // A client's command is caused by no event; the fulfilment process's commands carry the same
  // correlation id but are caused by the event they react to, so they are not the client's.
  const eventIds = new Set(commits.flatMap((c) => c.events.map((e) => e.eventId)));
  const byCorrelation = new Map<string, StoredCommit[]>();
  for (const commit of commits.filter((c) => !eventIds.has(c.events[0]?.metadata.causationId as string))) {
    const id = commit.events[0]?.metadata.correlationId as string;
    byCorrelation.set(id, [...(byCorrelation.get(id) ?? []), commit]);
  }
  const checks: SoakReport['checks'] = {
    lostAcknowledged: [],
    duplicatedCommands: [],
    refusedButStored: [],
    ackVersionMismatch: [],
    outOfOrder: [],
    duplicateDeliveries: 0,
    pendingOrders: [],
    stockNotConserved: [],
    dashboardMismatch: [],
    readModelsDifferFromRebuild: [],
  };

  // Every acknowledged command is in the store exactly once, at the version it was acknowledged with;
  // a refused one stored nothing; one the client gave up on is there at most once.
  for (const entry of ledger) {
    const found = (byCorrelation.get(entry.correlationId) ?? []).filter((c) => c.aggregateId === entry.aggregateId);
    const label = `${entry.kind} ${entry.aggregateId} (${entry.correlationId})`;
    if (found.length > 1) checks.duplicatedCommands.push(label);
    if (entry.outcome === 'refused' && found.length > 0) checks.refusedButStored.push(label);
    if (entry.outcome === 'acked') {
      // A command that decided nothing (a no-op) is acknowledged without a commit.
      const noop = found.length === 0 && entry.version !== undefined && commits.some((c) => c.aggregateId === entry.aggregateId && c.toVersion === entry.version);
      if (found.length === 0 && !noop) checks.lostAcknowledged.push(label);
      if (found[0] && found[0].toVersion !== entry.version) checks.ackVersionMismatch.push(`${label}: acked ${entry.version}, stored ${found[0].toVersion}`);
    }
  }

  // Per aggregate on Kafka: one partition, and versions in order (a redelivered duplicate aside).
  const consumer = new Kafka({ clientId: 'chaos-order', brokers: (await admin.describeCluster()).brokers.map((b) => `${b.host}:${b.port}`), logLevel: logLevel.NOTHING }).consumer({
    groupId: `${run}.verify`,
  });
  // Read until every stored event has been seen (offsets cannot tell: transaction markers take some).
  const expected = commits.reduce((n, c) => n + c.events.length, 0);
  let distinct = 0;
  const seen = new Map<string, { partition: string; last: number }>();
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`reading the topics back: ${expected - distinct} stored events never reached Kafka`)), 120_000);
    if (expected === 0) resolve();
    void consumer
      .run({
        eachMessage: async ({ topic, partition, message }) => {
          const header = (name: string) => message.headers?.[name]?.toString();
          const key = `${header('tenant') ?? ''}|${message.key?.toString() ?? ''}`;
          const version = Number(header('version') ?? JSON.parse(message.value?.toString() ?? '{}').version);
          const where = `${topic}/${partition}`;
          const previous = seen.get(key);
          if (previous && previous.partition !== where) checks.outOfOrder.push(`${key} on ${previous.partition} and ${where}`);
          if (previous && version <= previous.last) checks.duplicateDeliveries += 1;
          else if (previous && version !== previous.last + 1) checks.outOfOrder.push(`${key}: ${version} after ${previous.last}`);
          else if (!previous && version !== 1) checks.outOfOrder.push(`${key}: starts at ${version}`);
          if (!previous || version > previous.last) {
            distinct += previous ? version - previous.last : version;
            seen.set(key, { partition: where, last: version });
          }
          if (distinct >= expected) {
            clearTimeout(timer);
            resolve();
          }
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();

  // Fulfilment finished every order; stock and the dashboard agree with the event store.
  const gateway = services.get('query-gateway')?.url as string;
  const streams = new Map<string, StoredCommit['events']>();
  for (const commit of [...commits].sort((a, b) => a.fromVersion - b.fromVersion)) {
    const key = `${commit.tenant}|${commit.aggregateType}|${commit.aggregateId}`;
    streams.set(key, [...(streams.get(key) ?? []), ...commit.events]);
  }
  for (const tenant of tenants) {
    const key = tenants.find((t) => t.name === tenant.name)?.key as string;
    const get = async (path: string) => (await (await fetch(`${gateway}${path}`, { headers: { 'x-api-key': key } })).json()) as Record<string, unknown>;
    const held = new Map<string, number>();
    let placed = 0;
    let confirmed = 0;
    let revenue = 0;
    for (const [stream, events] of streams) {
      const [streamTenant, type, id] = stream.split('|');
      if (streamTenant !== tenant.name || type !== 'order') continue;
      const statusEvents = events.map((e) => e.type);
      placed += statusEvents.filter((t) => t === 'OrderPlaced').length;
      confirmed += statusEvents.filter((t) => t === 'OrderConfirmed').length;
      revenue += events.filter((e) => e.type === 'PaymentCaptured').reduce((n, e) => n + (e.data['amount'] as number), 0);
      const last = statusEvents.filter((t) => t !== 'PaymentCaptured').at(-1);
      if (last === 'OrderPlaced') checks.pendingOrders.push(`${tenant.name}/${id}`);
      if (last === 'OrderConfirmed') {
        for (const line of (events[0]?.data['lines'] ?? []) as { productId: string; quantity: number }[]) held.set(line.productId, (held.get(line.productId) ?? 0) + line.quantity);
      }
    }
    for (const [stream, events] of streams) {
      const [streamTenant, type, id] = stream.split('|');
      if (streamTenant !== tenant.name || type !== 'product') continue;
      const total = events.reduce((n, e) => n + (e.type === 'ProductCreated' ? (e.data['quantity'] as number) : e.type === 'ProductRestocked' ? (e.data['quantity'] as number) : 0), 0);
      const details = await get(`/v1/products/${id}`);
      const stock = await get(`/v1/products/${id}/stock`);
      for (const [where, view] of [['details', details], ['stock', stock]] as const) {
        const available = view['availableStock'] as number;
        const reserved = view['reservedStock'] as number;
        if (available + reserved !== total || reserved !== (held.get(id as string) ?? 0)) {
          checks.stockNotConserved.push(`${tenant.name}/${id} ${where}: available ${available} + reserved ${reserved}, expected ${total} in all with ${held.get(id as string) ?? 0} held by confirmed orders`);
        }
      }
    }
    const dashboard = await get('/v1/dashboard');
    const expected = { ordersPlaced: placed, ordersConfirmed: confirmed, revenue: revenue / 100 };
    for (const [field, value] of Object.entries(expected)) {
      if (dashboard[field] !== value) checks.dashboardMismatch.push(`${tenant.name} ${field}: ${String(dashboard[field])}, store says ${value}`);
    }
  }

  // Every read model equals a fresh rebuild from the event store.
  const store = new MongoEventStore(db, { schemas: new EventSchemaRegistry(eventSchemas) });
  for (const name of [familyNames.mongo, familyNames.redis]) {
    const family: ProjectionFamily = referenceFamily(name, { db, store, redis });
    const active = (await family.registry.read(name))?.active ?? 1;
    const built = await rebuild(family, { admin, stopBeforeSwitch: true });
    const next = built.building?.generation as number;
    if (name === familyNames.mongo) {
      for (const { view } of mongoReadModels) {
        const docs = async (generation: number) => (await db.collection(readModelCollection(view, generation)).find({}).sort({ _id: 1 }).toArray()).map((d) => JSON.stringify(d));
        const [live, fresh] = [await docs(active), await docs(next)];
        if (JSON.stringify(live) !== JSON.stringify(fresh)) checks.readModelsDifferFromRebuild.push(`${view}: ${live.filter((d) => !fresh.includes(d)).slice(0, 3).join(' | ')}`);
      }
    } else {
      const dump = async (generation: number) => {
        const prefix = redisGenerationPrefix(name, generation);
        const out: Record<string, unknown> = {};
        for (const key of (await redis.keys(`${prefix}*`)).filter((k) => !k.endsWith(':complete')).sort()) {
          const type = await redis.type(key);
          out[key.slice(prefix.length)] = type === 'hash' ? Object.fromEntries(Object.entries(await redis.hgetall(key)).sort()) : type === 'zset' ? await redis.zrange(key, 0, -1, 'WITHSCORES') : type;
        }
        return out;
      };
      const [live, fresh] = [await dump(active), await dump(next)];
      for (const key of new Set([...Object.keys(live), ...Object.keys(fresh)])) {
        if (JSON.stringify(live[key]) !== JSON.stringify(fresh[key])) checks.readModelsDifferFromRebuild.push(`redis ${key}: live ${JSON.stringify(live[key])}, rebuilt ${JSON.stringify(fresh[key])}`);
      }
    }
  }
  return checks;
}
