import type { Admin } from 'kafkajs';
import { mongoFamily, redisFamily } from './families';
import { LiveProjection } from './live-projection';
import { readModelCollection, redisGenerationPrefix } from './read-model-names';
import { rebuild, switchGeneration } from './rebuild';
import { eventually, ProjectionHarness, sleep } from './testing/harness';
import { itemLog, itemTotals, type ItemLog } from './testing/test-projections';

jest.setTimeout(180_000);

const STREAMS = 20;

/**
 * G5: a rebuild writes the next generation from the event store beside the live one while events
 * keep flowing (live replicas write both), the rebuilt model equals the live one, the switch is one
 * update, the old generation is dropped, and the live model stays readable throughout.
 */
describe('G5: rebuild beside the live model, switch without downtime', () => {
  const h = new ProjectionHarness('rebuild', 3);
  const mongoName = `mongo-${h.run}`;
  const redisName = `redis-${h.run}`;
  let mongoLive: LiveProjection;
  let redisLive: LiveProjection;
  let admin: Admin;

  beforeAll(async () => {
    await h.setUp([mongoName, redisName]);
    mongoLive = new LiveProjection(h.family(mongoFamily(mongoName, h.db, [itemLog])), { kafka: h.kafka, refreshMs: 200 });
    redisLive = new LiveProjection(h.family(redisFamily(redisName, h.redis, h.db, [itemTotals])), { kafka: h.kafka, refreshMs: 200 });
    await Promise.all([mongoLive.start(), redisLive.start()]);
    admin = h.kafka.admin();
    await admin.connect();
  });

  afterAll(async () => {
    await admin.disconnect();
    await Promise.all([mongoLive.stop(), redisLive.stop()]);
    await h.tearDown();
  });

  let produced = 0;
  async function produceRound(): Promise<void> {
    const batch = [];
    for (let s = 0; s < STREAMS; s++) batch.push(...(await h.append(`item-${s}`, 1)));
    await h.publish(batch);
    produced += STREAMS;
  }

  const mongoDocs = async (generation: number) =>
    (await h.db.collection<ItemLog & { _id: string; version: number }>(readModelCollection('item-log', generation)).find({}).sort({ _id: 1 }).toArray());
  const redisDump = async (generation: number): Promise<Record<string, Record<string, string>>> => {
    const prefix = redisGenerationPrefix(redisName, generation);
    const keys = (await h.redis.keys(`${prefix}*`)).filter((k) => !k.endsWith(':complete')).sort();
    const dump: Record<string, Record<string, string>> = {};
    for (const key of keys) dump[key.slice(prefix.length)] = Object.fromEntries(Object.entries(await h.redis.hgetall(key)).sort(([a], [b]) => a.localeCompare(b)));
    return dump;
  };
  const mongoApplied = async (generation: number) => (await mongoDocs(generation)).reduce((n, d) => n + d.versions.length, 0);

  it('rebuilds both families into generation 2 while events flow, equal to the live models, then switches and drops generation 1', async () => {
    for (let i = 0; i < 25; i++) await produceRound();
    await eventually(async () => (await mongoApplied(1)) === produced, 'the live model to catch up');

    // Events keep arriving during the whole rebuild.
    let flowing = true;
    const flow = (async () => {
      while (flowing) {
        await produceRound();
        await sleep(50);
      }
    })();
    const readsDuringRebuild: number[] = [];
    const reader = setInterval(() => void mongoDocs(1).then((d) => readsDuringRebuild.push(d.length)), 100);
    const stages: string[] = [];
    const [mongoBuilt, redisBuilt] = await Promise.all([
      rebuild(mongoLive.family, { admin, stopBeforeSwitch: true, onProgress: (p) => stages.push(`mongo:${p.stage}`) }),
      rebuild(redisLive.family, { admin, stopBeforeSwitch: true, onProgress: (p) => stages.push(`redis:${p.stage}`) }),
    ]);
    flowing = false;
    await flow;
    clearInterval(reader);
    expect(mongoBuilt.building?.generation).toBe(2);
    expect(redisBuilt.building?.generation).toBe(2);
    expect(stages).toEqual(expect.arrayContaining(['mongo:replicas-writing-both', 'mongo:backfilled', 'redis:backfilled']));
    // The live model answered every read, complete, while the next one was built.
    expect(readsDuringRebuild.length).toBeGreaterThan(0);
    expect(readsDuringRebuild.every((n) => n === STREAMS)).toBe(true);

    // Once the flow has drained, the rebuilt generation equals the live one, field for field.
    await eventually(async () => (await mongoApplied(1)) === produced && (await mongoApplied(2)) === produced, 'both generations to catch up');
    await eventually(async () => JSON.stringify(await redisDump(1)) === JSON.stringify(await redisDump(2)), 'the Redis generations to match');
    expect(await mongoDocs(2)).toEqual(await mongoDocs(1));
    expect(Object.keys(await redisDump(2)).length).toBeGreaterThan(STREAMS);

    // Switch: one update; then generation 1 is dropped once the replicas write only generation 2.
    const [mongoDoc, redisDoc] = await Promise.all([switchGeneration(mongoLive.family, 2, { admin }), switchGeneration(redisLive.family, 2, { admin })]);
    expect(mongoDoc).toMatchObject({ active: 2, activeComplete: true });
    expect(mongoDoc.retiring).toBeUndefined();
    expect(redisDoc).toMatchObject({ active: 2, activeComplete: true });
    expect(await mongoDocs(1)).toEqual([]);
    expect(await redisDump(1)).toEqual({});

    // The live replicas now write generation 2 only.
    await produceRound();
    await eventually(async () => (await mongoApplied(2)) === produced, 'generation 2 to receive live events');
    expect((await mongoDocs(2)).every((d) => d.versions.every((v, i) => v === i + 1))).toBe(true);
  });
});
