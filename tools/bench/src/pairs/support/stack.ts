// The reference services started for one pair from the image tree, with the pair's database,
// topic and group prefixes, its own Redis db and one API key for its tenant.
import { randomBytes } from 'node:crypto';
import type { Agent } from 'node:http';
import { MongoClient } from 'mongodb';
import type { BenchContext } from '../../harness/pair';
import { postJson } from './proc';
import { dropKafka, redisDb, startBenchService, stopServices, type RunningService, type ServiceName } from './read-load';

export interface Stack {
  services: Partial<Record<ServiceName, RunningService>>;
  key: string;
  stop(): Promise<void>;
}

export async function startStack(ctx: BenchContext, names: ServiceName[], redisDbIndex: number): Promise<Stack> {
  const key = randomBytes(18).toString('base64url');
  const services: Partial<Record<ServiceName, RunningService>> = {};
  const env = { API_KEYS: `${key}=${ctx.tenant}`, RATE_LIMIT_RPS: '100000', REDIS_URL: redisDb(ctx, redisDbIndex) };
  const stop = async () => {
    await stopServices(Object.values(services));
    const mongo = new MongoClient(ctx.mongoUrl);
    await mongo.db(ctx.dbName).dropDatabase().catch(() => undefined);
    await mongo.close();
    await dropKafka(ctx).catch(() => undefined);
  };
  try {
    // One at a time: on two cores, parallel start-ups only slow each other down.
    for (const name of names) services[name] = await startBenchService(name, ctx, env);
  } catch (error) {
    await stop();
    throw error;
  }
  return { services, key, stop };
}

/** Creates one product; resolves with its id and the consistency token. */
export async function createProduct(agent: Agent, stack: Stack, n: number): Promise<{ id: string; token: string }> {
  const url = stack.services['command-service']?.url;
  if (!url) throw new Error('no command service');
  const answer = await postJson(agent, `${url}/v1/products`, { name: `Bench lamp ${n}`, description: 'bench', price: 19.99, quantity: 10 }, { 'x-api-key': stack.key });
  if (answer.status !== 201) throw new Error(`create answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 200)}`);
  return { id: String(answer.body['id']), token: String(answer.body['consistencyToken']) };
}

/** Runs `step` at `rate` per second (open loop) for `seconds`; resolves with each step's latency in ms. */
export async function atRate(rate: number, seconds: number, step: (n: number) => Promise<void>): Promise<{ latencies: number[]; failures: number }> {
  const latencies: number[] = [];
  let failures = 0;
  const count = Math.max(1, Math.round(rate * seconds));
  const started = performance.now();
  const runs: Promise<void>[] = [];
  for (let n = 0; n < count; n++) {
    const due = started + (n * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const t = performance.now();
    runs.push(step(n).then(() => void latencies.push(performance.now() - t), () => void failures++));
  }
  await Promise.all(runs);
  return { latencies, failures };
}
