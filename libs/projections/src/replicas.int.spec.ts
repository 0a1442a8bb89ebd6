import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { readModelCollection, redisReadModelKey } from './read-model-names';
import { eventually, ProjectionHarness, sleep } from './testing/harness';
import type { ItemLog } from './testing/test-projections';

jest.setTimeout(240_000);

const root = join(__dirname, '..', '..', '..');
const STREAMS = 30;
const PER_STREAM = 20;
const TOTAL = STREAMS * PER_STREAM;

/**
 * G4 under process faults: replicas are killed with -9 mid-batch, stopped gracefully, and added
 * while events flow, forcing rebalances; every event's effect must still land exactly once, in
 * order, in both the MongoDB and the Redis read model.
 */
describe('G4: kill -9, restarts and rebalances lose nothing and apply nothing twice', () => {
  const h = new ProjectionHarness('replicas', 6);
  const mongoName = `mongo-${h.run}`;
  const redisName = `redis-${h.run}`;
  const runners: ChildProcess[] = [];

  beforeAll(() => h.setUp([mongoName, redisName]));
  afterAll(async () => {
    for (const r of runners) r.kill('SIGKILL');
    await h.tearDown();
  });

  function startReplica(): Promise<ChildProcess> {
    // node with tsx's loader (not the tsx wrapper, which forks), so a kill -9 hits the replica itself.
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'testing', 'projector-runner.ts')], {
      cwd: root,
      env: { ...process.env, TEST_DB: h.db.databaseName, TOPIC_PREFIX: h.prefix, MONGO_FAMILY: mongoName, REDIS_FAMILY: redisName, TSX_TSCONFIG_PATH: join(root, 'tsconfig.base.json') },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    runners.push(child);
    return new Promise((resolve, reject) => {
      child.stdout?.on('data', (chunk: Buffer) => (chunk.toString().includes('started') ? resolve(child) : undefined));
      child.once('exit', (code) => reject(new Error(`replica exited with ${code} before starting`)));
    });
  }

  const docs = () => h.db.collection<ItemLog & { _id: string }>(readModelCollection('item-log', 1));
  const mongoApplied = async () => (await docs().find({}).toArray()).reduce((sum, d) => sum + d.versions.length, 0);
  const redisTotal = async () => Number((await h.redis.hget(redisReadModelKey(redisName, 1, h.tenant, 'totals'), 'events')) ?? 0);
  const exited = (child: ChildProcess) => new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', resolve)));

  /** Appends and publishes round-robin over the streams, `rounds` events per stream. */
  async function produce(rounds: number): Promise<void> {
    for (let r = 0; r < rounds; r++) {
      const batch = [];
      for (let s = 0; s < STREAMS; s++) batch.push(...(await h.append(`item-${s}`, 1)));
      await h.publish(batch);
    }
  }

  async function expectExactlyOnce(): Promise<void> {
    await eventually(async () => (await mongoApplied()) >= TOTAL && (await redisTotal()) >= TOTAL, `all ${TOTAL} events in both models`, 120_000);
    await sleep(1000); // anything applied twice would show up by now
    const all = await docs().find({}).toArray();
    expect(all).toHaveLength(STREAMS);
    for (const doc of all) expect(doc.versions).toEqual(Array.from({ length: PER_STREAM }, (_, i) => i + 1));
    expect(await redisTotal()).toBe(TOTAL);
    for (let s = 0; s < STREAMS; s++) {
      expect(await h.redis.hget(redisReadModelKey(redisName, 1, h.tenant, `item:item-${s}`), 'applied')).toBe(String(PER_STREAM));
    }
  }

  it('three replicas, one killed with -9 mid-flow, one stopped gracefully, one added: exactly once, in order', async () => {
    const [a, b] = await Promise.all([startReplica(), startReplica(), startReplica()]);
    await produce(6);
    await eventually(async () => (await mongoApplied()) > 0, 'the replicas to start applying');

    // kill -9 while events are in flight: its uncommitted chunks are redelivered to the others.
    const producing = produce(8);
    await eventually(async () => (await mongoApplied()) > 6 * STREAMS, 'progress past the first rounds');
    a.kill('SIGKILL');
    // Graceful stop of another (finish chunk, commit, leave group) and a new replica joining: two more rebalances.
    b.kill('SIGTERM');
    expect(await exited(b)).toBe(0);
    const c = await startReplica();
    await producing;
    await produce(6);
    expect(await mongoApplied()).toBeLessThan(TOTAL + 1);
    await expectExactlyOnce();
    c.kill('SIGTERM');
    expect(await exited(c)).toBe(0);
  });
});
