import { mongoFamily, redisFamily } from './families';
import { LiveProjection } from './live-projection';
import { readModelCollection, readModelId, redisReadModelKey } from './read-model-names';
import { eventually, ProjectionHarness } from './testing/harness';
import { itemLog, itemTotals, type ItemLog } from './testing/test-projections';
import { EventSchemaRegistry, type StoredEvent } from '@eventide/event-store';

const itemSchemas = new EventSchemaRegistry({ ItemTouched: { version: 2, upcasters: { 1: (data) => ({ ...data, colour: 'unpainted' }) } } });

/**
 * G4 against real Kafka, MongoDB and Redis: the topic misbehaves in every way Kafka allows
 * (duplicates, redelivery of old events, reordering, gaps), and each event's effect must still be
 * applied exactly once, in version order.
 */
describe('G4: exactly-once effect despite duplicates, replays, reordering and gaps', () => {
  const h = new ProjectionHarness('exactly-once');
  const mongoName = `mongo-${h.run}`;
  const redisName = `redis-${h.run}`;
  const lives: LiveProjection[] = [];

  beforeAll(async () => {
    await h.setUp([mongoName, redisName]);
    for (const definition of [mongoFamily(mongoName, h.db, [itemLog]), redisFamily(redisName, h.redis, h.db, [itemTotals])]) {
      const live = new LiveProjection(h.family(definition, itemSchemas), { kafka: h.kafka, refreshMs: 200 });
      lives.push(live);
      await live.start();
      // The start-up backfill must be over, or it (not Kafka) could be what applies the events below.
      await h.untilComplete(live.family);
    }
  });

  afterAll(async () => {
    await Promise.all(lives.map((l) => l.stop()));
    await h.tearDown();
  });

  const docOf = (id: string) => h.db.collection<ItemLog & { _id: string; version: number }>(readModelCollection('item-log', 1)).findOne({ _id: readModelId(h.tenant, id) });
  const redisTotal = async () => Number((await h.redis.hget(redisReadModelKey(redisName, 1, h.tenant, 'totals'), 'events')) ?? 0);
  const redisItem = (id: string) => h.redis.hgetall(redisReadModelKey(redisName, 1, h.tenant, `item:${id}`));

  it('applies every event once and in order when the topic duplicates, replays, reorders and skips events', async () => {
    const a = await h.append('a', 6);
    const b = await h.append('b', 4);
    const [a1, a2, a3, a4, a5, a6] = a as [never, never, never, never, never, never];
    const [b1, b2, b3, b4] = b as [never, never, never, never];
    // a: duplicated, reordered (3 before 2), version 5 never published (a gap), old versions replayed at the end.
    await h.publish([a1, a1, a3, a2, a2, a4, b1]);
    await h.publish([a6, b3, b2, b2, b4]);
    await h.publish([a1, a2, a3, b1, a6]);
    void a5;

    await eventually(async () => (await docOf('a'))?.version === 6 && (await docOf('b'))?.version === 4 && (await redisTotal()) === 10, 'both models to reach the heads');
    expect((await docOf('a'))?.versions).toEqual([1, 2, 3, 4, 5, 6]);
    expect((await docOf('b'))?.versions).toEqual([1, 2, 3, 4]);
    expect(await redisItem('a')).toEqual({ applied: '6', version: '6' });
    expect(await redisItem('b')).toEqual({ applied: '4', version: '4' });
    expect(await redisTotal()).toBe(10);
  });

  it('ignores a full replay of the topic history (a group reset or redelivery after a crash)', async () => {
    const c = await h.append('c', 3);
    await h.publish(c);
    await eventually(async () => (await docOf('c'))?.version === 3, 'c to be applied');
    await h.publish([...c, ...c]);
    // A later event of the same stream lands on the same partition after the replay, so once it is
    // applied the replay has been consumed too.
    await h.publish(await h.append('c', 1));
    await eventually(async () => (await docOf('c'))?.version === 4 && (await redisTotal()) === 14, 'c4 to be applied');
    expect((await docOf('c'))?.versions).toEqual([1, 2, 3, 4]);
    expect(await redisItem('c')).toEqual({ applied: '4', version: '4' });
  });

  it('upcasts events that travel in an older schema version, as the store does on read (G10)', async () => {
    // ItemTouched v1 on the topic (written before v2 added `colour`); the family knows the upcaster.
    const [old] = await h.append('f', 1);
    await h.publish([{ ...(old as StoredEvent), schemaVersion: 1, data: {} }]);
    await eventually(async () => (await docOf('f'))?.version === 1, 'f to be applied');
    expect((await docOf('f'))?.colour).toBe('unpainted');
  });

  it('sends an undecodable message to the dead-letter topic and keeps going', async () => {
    await h.publishRaw('e', 'not json at all');
    const e = await h.append('e', 2);
    await h.publish(e);
    await eventually(async () => (await docOf('e'))?.version === 2, 'e to be applied after the bad message');
    expect((await docOf('e'))?.versions).toEqual([1, 2]);
    const [letter] = await h.readTopic((lives[0] as LiveProjection).deadLetterTopic, 1);
    expect(letter?.value?.toString()).toBe('not json at all');
    expect(letter?.headers?.['dlq-kind']?.toString()).toBe('undecodable');
    expect(letter?.headers?.['dlq-source-topic']?.toString()).toBe(h.topic);
  });
});
