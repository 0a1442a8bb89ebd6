import { mongoFamily } from './families';
import { LiveProjection } from './live-projection';
import { readModelCollection, readModelId } from './read-model-names';
import { eventually, ProjectionHarness } from './testing/harness';
import { itemLog, poison, type ItemLog } from './testing/test-projections';

/**
 * G7 for projections: an event the projection refuses is retried a bounded number of times, then
 * parked with its aggregate (it and that aggregate's later events go to the dead-letter topic with
 * the reason and original headers), while every other aggregate on the partition keeps flowing.
 * An operator's replay or skip resumes the aggregate in order.
 */
jest.setTimeout(120_000);

describe('G7: a poison event is parked with its aggregate while the others flow', () => {
  const h = new ProjectionHarness('dead-letters', 1); // one partition: the poisoned and the healthy stream share it
  const name = `dlq-${h.run}`;
  let live: LiveProjection;

  beforeAll(async () => {
    await h.setUp([name]);
    live = new LiveProjection(h.family(mongoFamily(name, h.db, [itemLog])), { kafka: h.kafka, refreshMs: 200, attempts: 2 });
    await live.start();
    await h.untilComplete(live.family);
  });

  afterAll(async () => {
    poison.on = true;
    await live.stop();
    await h.tearDown();
  });

  const docOf = (id: string) => h.db.collection<ItemLog & { _id: string; version: number }>(readModelCollection('item-log', 1)).findOne({ _id: readModelId(h.tenant, id) });
  const keyOf = (id: string) => `${h.tenant}|item|${id}`;

  it('parks the failed event and its successors, sends them to the dead-letter topic, and keeps other aggregates flowing', async () => {
    poison.on = true;
    const bad = await h.append('bad', 4, (v) => ({ poison: v === 2 }));
    const good = await h.append('good', 3);
    // Interleaved on one partition: bad's version 2 is refused, everything of `good` must still land.
    await h.publish([bad[0], good[0], bad[1], good[1], bad[2], bad[3], good[2]].filter((e) => e !== undefined));

    await eventually(async () => (await docOf('good'))?.version === 3, 'the healthy aggregate to be applied');
    await eventually(async () => (await live.family.exceptions.get(keyOf('bad')))?.parked?.heldVersions.length === 2, 'bad to be parked with 2 held events');
    expect((await docOf('bad'))?.versions).toEqual([1]);
    const parked = await live.family.exceptions.get(keyOf('bad'));
    expect(parked?.parked).toMatchObject({ failedVersion: 2, view: 'item-log', heldVersions: [3, 4] });
    expect(parked?.parked?.reason).toContain('poisoned event 2');

    const letters = await h.readTopic(live.deadLetterTopic, 3);
    expect(letters.map((m) => [m.headers?.['dlq-kind']?.toString(), m.headers?.['version']?.toString()])).toEqual([
      ['failed', '2'],
      ['held', '3'],
      ['held', '4'],
    ]);
    expect(letters[0]?.headers?.['dlq-reason']?.toString()).toContain('poisoned event 2');
    expect(letters[0]?.headers?.['event-type']?.toString()).toBe('ItemTouched'); // original headers kept
    expect(letters[0]?.key?.toString()).toBe('bad');

    // Events that arrive later for the parked aggregate are held too, never applied past the gap.
    await h.publish(await h.append('bad', 1));
    await eventually(async () => (await live.family.exceptions.get(keyOf('bad')))?.parked?.heldVersions.includes(5) === true, 'version 5 to be held');
    expect((await docOf('bad'))?.versions).toEqual([1]);
  });

  it('replays a parked aggregate in order once the projection can apply it', async () => {
    poison.on = false; // the "fix" is deployed
    const outcome = await live.family.replay(keyOf('bad'));
    expect(outcome.replayed).toBe(true);
    expect((await docOf('bad'))?.versions).toEqual([1, 2, 3, 4, 5]);
    expect((await live.family.exceptions.get(keyOf('bad')))?.parked).toBeUndefined();
    // And the aggregate flows live again.
    await h.publish(await h.append('bad', 1));
    await eventually(async () => (await docOf('bad'))?.version === 6, 'bad to flow again');
    expect((await docOf('bad'))?.versions).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('skips the failed event on request and applies the rest, when the operator decides it can never apply', async () => {
    poison.on = true;
    const events = await h.append('skip-me', 3, (v) => ({ poison: v === 2 }));
    await h.publish(events);
    await eventually(async () => (await live.family.exceptions.get(keyOf('skip-me')))?.parked !== undefined, 'skip-me to be parked');
    const stillFailing = await live.family.replay(keyOf('skip-me'));
    expect(stillFailing.replayed).toBe(false);
    expect(stillFailing.failure?.version).toBe(2);

    const skipped = await live.family.replay(keyOf('skip-me'), { skipFailed: true });
    expect(skipped.replayed).toBe(true);
    expect((await docOf('skip-me'))?.versions).toEqual([1, 3]);
    expect((await docOf('skip-me'))?.version).toBe(3);
  });
});
