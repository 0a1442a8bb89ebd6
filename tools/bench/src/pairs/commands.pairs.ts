// Commands/s and latency through the real command service (started from the image tree) against a
// bare Node http route doing one insertOne per request, with the same client, the same command mix
// (a product create, then three restocks of it) and the same number of requests in flight.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { stopServices, waitReady, type RunningService } from '@eventide/dev';
import { freePort, infraSettings, stopProcess } from '@eventide/local-infra';
import { track } from '../harness/children';
import { timedWorkers } from '../harness/load';
import type { BenchContext, BenchPair, PairFactory, Sample } from '../harness/pair';
import { ensureImage, startBenchChild } from '../harness/services';
import { serviceSeconds } from './write-load';

const IN_FLIGHT = 16;
const RESTOCKS_PER_CREATE = 3;

/** POSTs JSON on a keep-alive agent; resolves with the status and parsed body. */
function post(agent: Agent, url: string, path: string, body: unknown, headers: Record<string, string>): Promise<{ status: number; body: { id?: string } }> {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const req = request(`${url}${path}`, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        try {
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as { id?: string } });
        } catch {
          reject(new Error(`${path} answered ${res.statusCode}: ${text.slice(0, 200)}`));
        }
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** The command mix on `url`: each worker creates a product, then restocks it three times, and again. */
async function load(url: string, headers: Record<string, string>, seconds: number): Promise<Sample> {
  const agent = new Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
  const current: (string | undefined)[] = new Array(IN_FLIGHT).fill(undefined);
  let failures = 0;
  let lastFailure = '';
  try {
    const sample = await timedWorkers(IN_FLIGHT, seconds, async (worker, i) => {
      const id = current[worker];
      const create = i % (RESTOCKS_PER_CREATE + 1) === 0 || !id;
      const answer = create
        ? await post(agent, url, '/v1/products', { name: `Bench lamp ${worker}-${i}`, description: 'bench', price: 19.99, quantity: 10 }, headers)
        : await post(agent, url, `/v1/products/${id}/restock`, { quantity: 5 }, headers);
      if (answer.status >= 300) {
        failures++;
        lastFailure = `${answer.status} ${JSON.stringify(answer.body).slice(0, 200)}`;
        return 0;
      }
      if (create) current[worker] = answer.body.id;
      return 1;
    });
    if (failures > sample.operations / 100) throw new Error(`${failures} of ${failures + sample.operations} commands failed; last: ${lastFailure}`);
    return { ...sample, counters: { failed: failures } };
  } finally {
    agent.destroy();
  }
}

async function startBareRoute(context: BenchContext, port: number): Promise<ChildProcess> {
  const { workspaceRoot } = infraSettings();
  const child = track(
    spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'bare-route.ts')], {
      cwd: workspaceRoot,
      env: { ...process.env, MONGO_URL: context.mongoUrl, BENCH_DB: `${context.dbName}-bare`, BENCH_TENANT: context.tenant, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the bare route did not start within 30 s')), 30_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('listening')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`the bare route exited (${code})`)));
  });
  return child;
}

function commandsPair(profile: BenchContext['profile']): BenchPair {
  let context: BenchContext | undefined;
  let service: RunningService | undefined;
  let bare: ChildProcess | undefined;
  let barePort = 0;
  const key = randomBytes(18).toString('base64url');
  return {
    id: 'commands-c16',
    group: 'commands',
    title: `commands through the HTTP API, ${IN_FLIGHT} in flight`,
    unit: 'commands/s',
    higherIsBetter: true,
    baselineLabel: 'bare Node http route, one insertOne per request, same client',
    async setup(ctx) {
      context = ctx;
      await ensureImage();
      const port = await freePort();
      const { stateDir } = infraSettings();
      service = await startBenchChild(
        'command-service',
        {
          MONGO_URL: ctx.mongoUrl,
          KAFKA_BROKERS: ctx.kafkaBrokers.join(','),
          REDIS_URL: ctx.redisUrl,
          MONGO_DB: ctx.dbName,
          KAFKA_TOPIC_PREFIX: ctx.topicPrefix,
          KAFKA_GROUP_PREFIX: ctx.topicPrefix,
          API_KEYS: `${key}=${ctx.tenant}`,
          RATE_LIMIT_RPS: '100000',
          // No span file: the baseline writes none either.
          EVENTIDE_TRACE_FILE: '',
          COMMAND_PORT: String(port),
        },
        { echo: false, logDir: join(stateDir, 'bench', ctx.dbName) },
      );
      track(service.child);
      await waitReady(service, 90_000);
      barePort = await freePort();
      bare = await startBareRoute(ctx, barePort);
    },
    ours: () => (service ? load(service.url, { 'x-api-key': key }, serviceSeconds(profile)) : Promise.reject(new Error('no service'))),
    baseline: () => load(`http://127.0.0.1:${barePort}`, {}, serviceSeconds(profile)),
    async teardown() {
      if (service) await stopServices([service]);
      if (bare?.pid !== undefined && bare.exitCode === null) await stopProcess(bare.pid, 5000);
      if (!context) return;
      const ctx = context;
      const mongo = new MongoClient(ctx.mongoUrl);
      await Promise.all([mongo.db(ctx.dbName).dropDatabase(), mongo.db(`${ctx.dbName}-bare`).dropDatabase()]).catch(() => undefined);
      await mongo.close();
      const admin = new Kafka({ clientId: 'bench-cleanup', brokers: ctx.kafkaBrokers, logLevel: logLevel.NOTHING }).admin();
      await admin.connect();
      try {
        const topics = (await admin.listTopics()).filter((t) => t.startsWith(ctx.topicPrefix));
        if (topics.length) await admin.deleteTopics({ topics });
        const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(ctx.topicPrefix));
        if (groups.length) await admin.deleteGroups(groups).catch(() => undefined);
      } finally {
        await admin.disconnect();
      }
    },
  };
}

export const pairs: PairFactory = (profile) => [commandsPair(profile)];
