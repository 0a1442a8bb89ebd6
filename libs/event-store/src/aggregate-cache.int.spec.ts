import { AggregateRepository } from './aggregate.repository';
import { ConcurrencyError } from './event-store.errors';
import type { StreamRef } from './event-store.types';
import { MongoEventStore, type ReadStreamOptions } from './mongo-event-store';
import type { StoredEvent } from './event-store.types';
import { counterDecider, type CounterCommand } from './testing/counter.decider';
import { contextAt, freshStream, openTestDatabase, type TestDatabase } from './testing/mongo-test-database';

/** The real store, counting the reads it is asked for (stream reads and head lookups). */
class ReadCountingStore extends MongoEventStore {
  reads = 0;
  override readStream(stream: StreamRef, options?: ReadStreamOptions): Promise<StoredEvent[]> {
    this.reads += 1;
    return super.readStream(stream, options);
  }
  override streamVersion(stream: StreamRef): Promise<number> {
    this.reads += 1;
    return super.streamVersion(stream);
  }
}

describe('the aggregate cache and known commit ends: fewer reads, the same answers (G2)', () => {
  let database: TestDatabase;
  const handle = (repository: AggregateRepository, stream: StreamRef, command: CounterCommand, expectedVersion?: number) =>
    repository.handle(counterDecider, stream, command, { context: contextAt(), expectedVersion });
  /** Two replicas of the command service: each its own store and repository on one database. */
  const replicas = () => {
    const [one, two] = [new ReadCountingStore(database.db), new ReadCountingStore(database.db)];
    return { one, two, first: new AggregateRepository(one), second: new AggregateRepository(two) };
  };

  beforeAll(async () => {
    database = await openTestDatabase('aggregate-cache');
    await new MongoEventStore(database.db).ensureIndexes();
  });
  afterAll(() => database.dispose());

  it('given an aggregate this repository just handled, when the next command comes, then it is decided and appended without a read', async () => {
    const { one, first } = replicas();
    const stream = freshStream();
    await handle(first, stream, { type: 'Increment', by: 2 });
    const readsBefore = one.reads;
    const result = await handle(first, stream, { type: 'Increment', by: 3 });
    expect(one.reads).toBe(readsBefore);
    expect(result).toMatchObject({ fromVersion: 2, toVersion: 2, state: { count: 5, steps: [2, 3] } });
    expect(await first.load(counterDecider, stream)).toEqual({ state: { count: 5, steps: [2, 3] }, version: 2 });
  });

  it('given another replica appended since, when the stale decision collides, then it is decided again on the fresh state and nothing is lost', async () => {
    const { first, second } = replicas();
    const stream = freshStream();
    await handle(first, stream, { type: 'Increment', by: 1 });
    await handle(second, stream, { type: 'Increment', by: 10 });
    const result = await handle(first, stream, { type: 'Increment', by: 100 });
    expect(result).toMatchObject({ fromVersion: 3, toVersion: 3, state: { count: 111, steps: [1, 10, 100] } });
    expect(await first.load(counterDecider, stream)).toEqual({ state: result.state, version: 3 });
  });

  it('given a stale cached state that would refuse the command, when the store says otherwise, then the command is decided on the store', async () => {
    const { first, second } = replicas();
    const stream = freshStream();
    await handle(first, stream, { type: 'Increment', by: 1 });
    await handle(second, stream, { type: 'Increment', by: 5 });
    await expect(handle(first, stream, { type: 'Take', by: 3 })).resolves.toMatchObject({ toVersion: 3, state: { count: 3 } });
    await expect(handle(first, stream, { type: 'Take', by: 4 })).rejects.toMatchObject({ reason: 'too-low' });
  });

  it('given a stale cached state on which the command would change nothing, then it is decided on the store', async () => {
    const { first, second } = replicas();
    const stream = freshStream();
    await handle(first, stream, { type: 'Set', to: 5 });
    await handle(second, stream, { type: 'Increment', by: 1 });
    const result = await handle(first, stream, { type: 'Set', to: 5 });
    expect(result).toMatchObject({ fromVersion: 3, toVersion: 3, state: { count: 5, steps: [5, 1, -1] } });
    await expect(handle(first, stream, { type: 'Set', to: 5 })).resolves.toMatchObject({ events: [], toVersion: 3 });
  });

  it('given a stale cached version, when If-Match names the store\'s head, then it succeeds; when it names the stale one, then 409 with the real head', async () => {
    const { first, second } = replicas();
    const stream = freshStream();
    await handle(first, stream, { type: 'Increment', by: 1 });
    await handle(second, stream, { type: 'Increment', by: 1 });
    await expect(handle(first, stream, { type: 'Increment', by: 1 }, 2)).resolves.toMatchObject({ toVersion: 3 });
    await handle(second, stream, { type: 'Increment', by: 1 });
    const stale = await handle(first, stream, { type: 'Increment', by: 1 }, 3).catch((error: unknown) => error);
    expect(stale).toBeInstanceOf(ConcurrencyError);
    expect((stale as ConcurrencyError).details).toEqual({ expectedVersion: 3, actualVersion: 4 });
  });

  it('given a create expected to be new, when the stream is new, then it is decided on the initial state and appended without a read', async () => {
    const { one, first } = replicas();
    const stream = freshStream();
    const result = await first.handle(counterDecider, stream, { type: 'Set', to: 4 }, { context: contextAt(), expectNew: true });
    expect(one.reads).toBe(0);
    expect(result).toMatchObject({ fromVersion: 1, toVersion: 1, state: { count: 4 } });
  });

  it('given a create expected to be new, when the stream exists after all, then its append collides and it is decided on the store', async () => {
    const { first, second } = replicas();
    const stream = freshStream();
    await handle(second, stream, { type: 'Increment', by: 4 });
    const result = await first.handle(counterDecider, stream, { type: 'Set', to: 4 }, { context: contextAt(), expectNew: true });
    expect(result).toMatchObject({ events: [], toVersion: 1, state: { count: 4, steps: [4] } });
    expect((await first.load(counterDecider, stream)).version).toBe(1);
  });

  it('given cacheSize 0, when commands follow each other, then each one reads the store', async () => {
    const store = new ReadCountingStore(database.db);
    const repository = new AggregateRepository(store, { cacheSize: 0 });
    const stream = freshStream();
    await handle(repository, stream, { type: 'Increment', by: 1 });
    const readsBefore = store.reads;
    await handle(repository, stream, { type: 'Increment', by: 1 });
    expect(store.reads).toBeGreaterThan(readsBefore);
  });
});

describe('appending from a known commit end', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase('known-ends');
    await new MongoEventStore(database.db).ensureIndexes();
  });
  afterAll(() => database.dispose());
  const one = (by: number) => [{ type: 'Incremented', data: { by } }];

  it('given a commit end this store appended, when it appends from it, then it looks up no head', async () => {
    const store = new ReadCountingStore(database.db);
    const stream = freshStream();
    await store.append(stream, 0, one(1), contextAt());
    await store.append(stream, 1, one(1), contextAt());
    expect(store.reads).toBe(0);
    expect(await store.streamVersion(stream)).toBe(2);
  });

  it('given another store appended after that end, when this one appends from it, then the commit key collides: a ConcurrencyError with the head', async () => {
    const [mine, theirs] = [new ReadCountingStore(database.db), new ReadCountingStore(database.db)];
    const stream = freshStream();
    await mine.append(stream, 0, one(1), contextAt());
    await theirs.append(stream, 1, one(2), contextAt());
    const error = await mine.append(stream, 1, one(3), contextAt()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConcurrencyError);
    expect((error as ConcurrencyError).details).toEqual({ expectedVersion: 1, actualVersion: 2 });
    expect((await mine.readStream(stream)).map((e) => e.data)).toEqual([{ by: 1 }, { by: 2 }]);
  });

  it('given a version inside a commit or beyond the head, when a store appends from it, then it looks up the head and refuses, leaving no gap or overlap', async () => {
    const [mine, stranger] = [new ReadCountingStore(database.db), new ReadCountingStore(database.db)];
    const stream = freshStream();
    await mine.append(stream, 0, [...one(1), ...one(1), ...one(1)], contextAt());
    for (const store of [mine, stranger]) {
      for (const expected of [2, 5]) {
        const error = await store.append(stream, expected, one(9), contextAt()).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ConcurrencyError);
        expect((error as ConcurrencyError).details).toEqual({ expectedVersion: expected, actualVersion: 3 });
      }
    }
    expect((await mine.readStream(stream)).map((e) => e.version)).toEqual([1, 2, 3]);
  });
});
