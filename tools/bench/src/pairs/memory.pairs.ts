// Memory and CPU of the services: every Node service's peak RSS while commands flow through the whole
// stack (commands appended, published, projected into MongoDB and Redis, the gateway read), against the
// floor, a bare Node http process answering the same requests. Idle RSS and CPU seconds per 1,000
// events per service are reported as counters. The goal is absolute: every service under 200 MB at load.
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent } from 'node:http';
import { freePort, stopProcess } from '@eventide/local-infra';
import { track } from '../harness/children';
import type { BenchContext, BenchPair, PairFactory, Sample } from '../harness/pair';
import { atRate, createProduct, startStack, type Stack } from './support/stack';
import { cpuSeconds, getJson, postJson, rssBytes, watchPeakRss } from './support/proc';
import type { ServiceName } from './support/read-load';

const REDIS_DB = 12;
const RATE = 40;
const SERVICES: ServiceName[] = ['command-service', 'projector-mongo', 'projector-redis', 'query-gateway'];
const seconds = (profile: BenchContext['profile']) => (profile === 'quick' ? 2 : 6);
const MB = 1024 * 1024;

const BARE = `require('node:http').createServer((q, s) => { q.resume(); q.on('end', () => { s.writeHead(201, { 'content-type': 'application/json' }); s.end(JSON.stringify({ id: 'x', version: 1, consistencyToken: 't' })); }); }).listen(Number(process.env.PORT), () => console.log('listening'));`;

async function startBare(port: number): Promise<ChildProcess> {
  const child = track(spawn(process.execPath, ['-e', BARE], { env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'inherit'] }));
  await new Promise<void>((resolve, reject) => {
    child.stdout?.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`the bare process exited (${code})`)));
  });
  return child;
}

function memoryPair(profile: BenchContext['profile']): BenchPair {
  let stack: Stack | undefined;
  let bare: ChildProcess | undefined;
  let barePort = 0;
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  const idle: Record<string, number> = {};
  let created = 0;
  return {
    id: 'memory-services',
    group: 'memory',
    title: `peak RSS of the largest Node service under ${RATE} commands/s through the whole stack (goal: every service < 200 MB)`,
    unit: 'MB',
    higherIsBetter: false,
    baselineLabel: 'bare Node http process, same requests (the floor)',
    async setup(ctx) {
      stack = await startStack(ctx, SERVICES, REDIS_DB);
      for (const name of SERVICES) idle[`idle MB ${name}`] = Math.round(rssBytes(stack.services[name]?.child.pid ?? 0) / MB);
      barePort = await freePort();
      bare = await startBare(barePort);
    },
    async ours(): Promise<Sample> {
      const s = stack;
      if (!s) throw new Error('setup did not run');
      const pids = SERVICES.map((name) => s.services[name]?.child.pid ?? 0);
      const cpuBefore = pids.map(cpuSeconds);
      const peaks = watchPeakRss(pids);
      const gateway = s.services['query-gateway']?.url ?? '';
      const { latencies, failures } = await atRate(RATE, seconds(profile), async () => {
        const { id } = await createProduct(agent, s, ++created);
        // One read per command, so the gateway works too.
        await getJson(agent, `${gateway}/v1/products/${id}`, { 'x-api-key': s.key });
      });
      const peak = peaks();
      const events = latencies.length;
      const counters: Record<string, number> = { ...idle, failed: failures };
      SERVICES.forEach((name, i) => {
        counters[`load MB ${name}`] = Math.round((peak[i] ?? 0) / MB);
        counters[`cpu s/1k events ${name}`] = Math.round(((cpuSeconds(pids[i] ?? 0) - (cpuBefore[i] ?? 0)) / Math.max(1, events)) * 1000 * 100) / 100;
      });
      const largest = Math.max(...peak);
      return { value: largest / MB, operations: events, rssBytes: largest, cpuSeconds: pids.reduce((sum, pid, i) => sum + cpuSeconds(pid) - (cpuBefore[i] ?? 0), 0), counters };
    },
    async baseline(): Promise<Sample> {
      const pid = bare?.pid ?? 0;
      const cpuBefore = cpuSeconds(pid);
      const peaks = watchPeakRss([pid]);
      const { latencies } = await atRate(RATE, seconds(profile), async () => {
        await postJson(agent, `http://127.0.0.1:${barePort}/v1/products`, { name: 'Bench lamp', description: 'bench', price: 19.99, quantity: 10 }, {});
      });
      const peak = peaks()[0] ?? 0;
      return { value: peak / MB, operations: latencies.length, rssBytes: peak, cpuSeconds: cpuSeconds(pid) - cpuBefore };
    },
    async teardown() {
      agent.destroy();
      if (bare?.pid !== undefined && bare.exitCode === null) await stopProcess(bare.pid, 5000);
      await stack?.stop();
    },
  };
}

export const pairs: PairFactory = (profile) => [memoryPair(profile)];
