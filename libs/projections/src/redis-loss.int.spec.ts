import { redisFamily } from './families';
import { LiveProjection } from './live-projection';
import { redisCompleteMarker, redisReadModelKey } from './read-model-names';
import { eventually, ProjectionHarness } from './testing/harness';
import { itemTotals } from './testing/test-projections';

jest.setTimeout(120_000);

/**
 * G11 for the Redis read model: after a FLUSHALL wipes it entirely, the projector notices (the
 * generation's marker is gone) and backfills it from the event store, while live events keep
 * being applied exactly once.
 */
describe('G11: a Redis read model lost entirely comes back from the event store', () => {
  const h = new ProjectionHarness('redis-loss', 3);
  const name = `redis-${h.run}`;
  let live: LiveProjection;

  beforeAll(async () => {
    await h.setUp([name]);
    live = new LiveProjection(h.family(redisFamily(name, h.redis, h.db, [itemTotals])), { kafka: h.kafka, refreshMs: 200 });
    await live.start();
    await h.untilComplete(live.family);
  });

  afterAll(async () => {
    await live.stop();
    await h.tearDown();
  });

  const total = async () => Number((await h.redis.hget(redisReadModelKey(name, 1, h.tenant, 'totals'), 'events')) ?? 0);
  const item = (id: string) => h.redis.hgetall(redisReadModelKey(name, 1, h.tenant, `item:${id}`));

  it('rebuilds the model after FLUSHALL and goes on applying live events exactly once', async () => {
    for (let s = 0; s < 10; s++) await h.publish(await h.append(`item-${s}`, 5));
    await eventually(async () => (await total()) === 50, 'the model to be built');

    await h.redis.flushall();
    expect(await total()).toBe(0);
    // A live event for one stream arrives while the model is gone: it is filled from the store too.
    await h.publish(await h.append('item-0', 1));

    await eventually(async () => (await h.redis.exists(redisCompleteMarker(name, 1))) === 1 && (await total()) === 51, 'the model to come back');
    expect(await item('item-0')).toEqual({ applied: '6', version: '6' });
    for (let s = 1; s < 10; s++) expect(await item(`item-${s}`)).toEqual({ applied: '5', version: '5' });

    await h.publish(await h.append('item-9', 1));
    await eventually(async () => (await total()) === 52, 'live events to keep flowing');
    expect(await item('item-9')).toEqual({ applied: '6', version: '6' });
  });
});
