import { DomainError } from '@eventide/util';
import { AggregateRepository } from './aggregate.repository';
import { ConcurrencyError } from './event-store.errors';
import type { AppendContext, NewEvent, StreamRef } from './event-store.types';
import { MongoEventStore, type AppendOptions, type AppendResult } from './mongo-event-store';
import { SnapshotStore } from './snapshot.store';
import { counterDecider, type CounterCommand } from './testing/counter.decider';
import { contextAt, freshStream, openTestDatabase, type TestDatabase } from './testing/mongo-test-database';

const increment: CounterCommand = { type: 'Increment', by: 1 };

/** A store where, just before each append, a rival appends from the same head and wins. */
class AlwaysRacedStore extends MongoEventStore {
  attempts = 0;
  override async append(stream: StreamRef, expectedVersion: number, events: readonly NewEvent[], context: AppendContext, options?: AppendOptions): Promise<AppendResult> {
    this.attempts += 1;
    await super.append(stream, expectedVersion, [{ type: 'Incremented', data: { by: 100 } }], context);
    return super.append(stream, expectedVersion, events, context, options);
  }
}

describe('handling commands with optimistic concurrency (G2, MongoDB-protocol server)', () => {
  let database: TestDatabase;
  let store: MongoEventStore;
  let snapshots: SnapshotStore;
  const handleWith = (repository: AggregateRepository, stream: StreamRef, command: CounterCommand, expectedVersion?: number) =>
    repository.handle(counterDecider, stream, command, { context: contextAt(), expectedVersion });

  beforeAll(async () => {
    database = await openTestDatabase('handle');
    store = new MongoEventStore(database.db);
    snapshots = new SnapshotStore(database.db);
    await store.ensureIndexes();
  });
  afterAll(() => database.dispose());

  it('appends what the decider decided and returns the new state and versions', async () => {
    const repository = new AggregateRepository(store, { snapshots });
    const stream = freshStream();
    await handleWith(repository, stream, { type: 'Increment', by: 2, times: 3 });
    const result = await handleWith(repository, stream, { type: 'Increment', by: 5 });
    expect(result).toMatchObject({ fromVersion: 4, toVersion: 4, state: { count: 11, steps: [2, 2, 2, 5] } });
    expect(result.events.map((e) => [e.type, e.version, e.data])).toEqual([['Incremented', 4, { by: 5 }]]);
    expect(await repository.load(counterDecider, stream)).toEqual({ state: result.state, version: 4 });
  });

  it('loses no update when many handlers race on one aggregate: the count equals the successes', async () => {
    const repository = new AggregateRepository(store, { snapshots });
    const stream = freshStream();
    const outcomes = await Promise.allSettled(Array.from({ length: 16 }, () => handleWith(repository, stream, increment)));
    const succeeded = outcomes.filter((o) => o.status === 'fulfilled');
    const failures = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
    expect(succeeded.length).toBeGreaterThan(0);
    for (const failure of failures) expect(failure).toBeInstanceOf(ConcurrencyError);
    const loaded = await repository.load(counterDecider, stream);
    expect(loaded).toEqual({ state: { count: succeeded.length, steps: Array(succeeded.length).fill(1) }, version: succeeded.length });
    expect(succeeded.map((o) => o.value.toVersion).sort((a, b) => a - b)).toEqual(Array.from({ length: succeeded.length }, (_, i) => i + 1));
  });

  it('with retries to spare, every racing handler succeeds by reloading and deciding again', async () => {
    const repository = new AggregateRepository(store, { snapshots, retry: { maxAttempts: 100, initialDelayMs: 5, factor: 1.2 } });
    const stream = freshStream();
    const results = await Promise.all(Array.from({ length: 16 }, () => handleWith(repository, stream, increment)));
    expect(results.map((r) => r.toVersion).sort((a, b) => a - b)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
    expect((await repository.load(counterDecider, stream)).state.count).toBe(16);
  });

  it('gives up after the bound with a ConcurrencyError, backing off between attempts', async () => {
    const raced = new AlwaysRacedStore(database.db);
    const sleeps: number[] = [];
    const repository = new AggregateRepository(raced, { snapshots, sleep: async (ms) => void sleeps.push(ms), random: () => 0.5 });
    const stream = freshStream();
    await expect(handleWith(repository, stream, increment)).rejects.toBeInstanceOf(ConcurrencyError);
    expect(raced.attempts).toBe(3);
    expect(sleeps).toEqual([100, 150]);
    expect((await repository.load(counterDecider, stream)).state.steps).toEqual([100, 100, 100]);
  });

  it('answers a stale If-Match at once with both versions, without deciding or retrying', async () => {
    const sleeps: number[] = [];
    const repository = new AggregateRepository(store, { snapshots, sleep: async (ms) => void sleeps.push(ms) });
    const stream = freshStream();
    await handleWith(repository, stream, { type: 'Increment', by: 1, times: 2 });
    const decide = jest.spyOn(counterDecider, 'decide');
    try {
      const error = await handleWith(repository, stream, increment, 1).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConcurrencyError);
      expect((error as ConcurrencyError).details).toEqual({ expectedVersion: 1, actualVersion: 2 });
      expect(decide).not.toHaveBeenCalled();
    } finally {
      decide.mockRestore();
    }
    expect(sleeps).toEqual([]);
    expect(await store.streamVersion(stream)).toBe(2);
    await expect(handleWith(repository, stream, increment, 2)).resolves.toMatchObject({ toVersion: 3 });
    await expect(handleWith(repository, freshStream(), increment, 0)).resolves.toMatchObject({ toVersion: 1 });
  });

  it('appends nothing when the decider decides nothing', async () => {
    const repository = new AggregateRepository(store, { snapshots });
    const stream = freshStream();
    await handleWith(repository, stream, increment);
    const result = await handleWith(repository, stream, { type: 'Noop' });
    expect(result).toEqual({ events: [], fromVersion: 2, toVersion: 1, state: { count: 1, steps: [1] }, stream });
    expect(await database.db.collection('events').countDocuments({ aggregateId: stream.aggregateId })).toBe(1);
  });

  it('passes the decider refusal through without retrying', async () => {
    const sleeps: number[] = [];
    const repository = new AggregateRepository(store, { snapshots, sleep: async (ms) => void sleeps.push(ms) });
    const error = await handleWith(repository, freshStream(), { type: 'Refuse' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).reason).toBe('refused');
    expect(sleeps).toEqual([]);
  });
});
