import { replay } from '@eventide/util';
import fc from 'fast-check';
import { AggregateRepository } from './aggregate.repository';
import type { StreamRef } from './event-store.types';
import { MongoEventStore } from './mongo-event-store';
import type { StreamReadStrategy } from './stream-readers';
import { SnapshotStore } from './snapshot.store';
import { counterDecider, type CounterEvent, type CounterState } from './testing/counter.decider';
import { contextAt, freshStream, openTestDatabase, type TestDatabase } from './testing/mongo-test-database';

const SCHEMA = 'counter-v1';

describe.each<StreamReadStrategy>(['range', 'id-walk'])('snapshots (G10, MongoDB-protocol server, %s reads)', (streamReads) => {
  let database: TestDatabase;
  let store: MongoEventStore;
  let snapshots: SnapshotStore;
  let repository: AggregateRepository;

  const fullReplay = async (stream: StreamRef): Promise<CounterState> =>
    replay(counterDecider, (await store.readStream(stream)).map((e) => ({ type: e.type, data: e.data }) as CounterEvent));
  const incrementTimes = async (stream: StreamRef, steps: number[]) => {
    for (const by of steps) await repository.handle(counterDecider, stream, { type: 'Increment', by }, { context: contextAt(), snapshotSchema: SCHEMA });
  };

  beforeAll(async () => {
    database = await openTestDatabase('snapshots');
    store = new MongoEventStore(database.db, { streamReads });
    snapshots = new SnapshotStore(database.db);
    repository = new AggregateRepository(store, { snapshots, snapshotEvery: 3 });
    await store.ensureIndexes();
  });
  afterAll(() => database.dispose());

  it('loading from the latest snapshot plus the tail equals a full replay, for any history', async () => {
    const commands = fc.array(fc.record({ by: fc.integer({ min: -5, max: 9 }), times: fc.integer({ min: 1, max: 4 }) }), { minLength: 1, maxLength: 10 });
    await fc.assert(
      fc.asyncProperty(commands, async (history) => {
        const stream = freshStream();
        let expectedSnapshot = 0;
        let last: CounterState | undefined;
        for (const { by, times } of history) {
          const result = await repository.handle(counterDecider, stream, { type: 'Increment', by, times }, { context: contextAt(), snapshotSchema: SCHEMA });
          if (Math.floor(result.toVersion / 3) > Math.floor((result.fromVersion - 1) / 3)) expectedSnapshot = result.toVersion;
          last = result.state;
        }
        const total = history.reduce((sum, c) => sum + c.times, 0);
        expect((await snapshots.load(stream, SCHEMA))?.version ?? 0).toBe(expectedSnapshot);
        const replayed = await fullReplay(stream);
        expect(await repository.load(counterDecider, stream, { snapshotSchema: SCHEMA })).toEqual({ state: replayed, version: total });
        expect(last).toEqual(replayed);
      }),
      { numRuns: 12 },
    );
  });

  it('uses a snapshot in the reader schema and replays only the events after it', async () => {
    const stream = freshStream();
    await incrementTimes(stream, [1, 2, 3, 4, 5]);
    await snapshots.save(stream, 4, 'planted', { count: 1000, steps: ['planted'] });
    expect(await repository.load(counterDecider, stream, { snapshotSchema: 'planted' })).toEqual({
      state: { count: 1005, steps: ['planted', 5] },
      version: 5,
    });
  });

  it('ignores a snapshot taken in another state schema', async () => {
    const stream = freshStream();
    await incrementTimes(stream, [1, 2]);
    await snapshots.save(stream, 2, 'counter-v0', { total: 'an old shape' });
    expect(await snapshots.load(stream, SCHEMA)).toBeNull();
    expect(await repository.load(counterDecider, stream, { snapshotSchema: SCHEMA })).toEqual({ state: { count: 3, steps: [1, 2] }, version: 2 });
  });

  it('never lets an older snapshot replace a newer one', async () => {
    const stream = freshStream();
    expect(await snapshots.save(stream, 10, SCHEMA, { count: 10, steps: [] })).toBe(true);
    expect(await snapshots.save(stream, 5, SCHEMA, { count: 5, steps: [] })).toBe(false);
    expect(await snapshots.save(stream, 10, SCHEMA, { count: -1, steps: [] })).toBe(false);
    expect(await snapshots.load(stream, SCHEMA)).toMatchObject({ version: 10, state: { count: 10 } });
    expect(await snapshots.save(stream, 11, SCHEMA, { count: 11, steps: [] })).toBe(true);
    expect((await snapshots.load(stream, SCHEMA))?.version).toBe(11);
  });

  it('stores the state through the given mapping and maps it back', async () => {
    const stream = freshStream();
    const options = {
      snapshotSchema: 'compact-v1',
      toSnapshot: (s: CounterState) => ({ c: s.count, s: s.steps.join(',') }),
      fromSnapshot: (raw: unknown) => {
        const { c, s } = raw as { c: number; s: string };
        return { count: c, steps: s.split(',').map(Number) };
      },
    };
    for (const by of [4, 5, 6, 7]) await repository.handle(counterDecider, stream, { type: 'Increment', by }, { context: contextAt(), ...options });
    expect(await database.db.collection('snapshots').findOne({ state: { c: 15, s: '4,5,6' } })).not.toBeNull();
    expect(await repository.load(counterDecider, stream, options)).toEqual({ state: await fullReplay(stream), version: 4 });
  });

  it('takes the state schema of an aggregate type from the repository when a call gives none', async () => {
    const byType = new AggregateRepository(store, { snapshots, snapshotEvery: 2, snapshotSchemas: { Counter: 'per-type-v1' } });
    const stream = freshStream();
    for (const by of [1, 2, 3]) await byType.handle(counterDecider, stream, { type: 'Increment', by }, { context: contextAt() });
    expect(await snapshots.load(stream, 'per-type-v1')).toMatchObject({ version: 2, state: { count: 3 } });
    await snapshots.save(stream, 3, 'per-type-v1', { count: 42, steps: [] });
    expect((await byType.load(counterDecider, stream)).state.count).toBe(42);
    expect((await byType.load(counterDecider, freshStream('Other'))).version).toBe(0);
  });

  it('answers temporal loads from the events, never from a newer snapshot', async () => {
    const stream = freshStream();
    const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute));
    for (const [minute, by] of [[1, 1], [2, 10], [3, 100], [4, 1000]] as const) {
      await repository.handle(counterDecider, stream, { type: 'Increment', by }, { context: contextAt(at(minute)), snapshotSchema: SCHEMA });
    }
    expect((await snapshots.load(stream, SCHEMA))?.version).toBe(3);
    expect(await repository.load(counterDecider, stream, { snapshotSchema: SCHEMA, atVersion: 2 })).toEqual({ state: { count: 11, steps: [1, 10] }, version: 2 });
    expect(await repository.load(counterDecider, stream, { snapshotSchema: SCHEMA, asOf: at(3) })).toEqual({ state: { count: 111, steps: [1, 10, 100] }, version: 3 });
    expect((await repository.load(counterDecider, stream, { snapshotSchema: SCHEMA, atVersion: 4 })).state.count).toBe(1111);
  });
});
