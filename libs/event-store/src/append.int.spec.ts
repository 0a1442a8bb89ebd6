import { ConcurrencyError } from './event-store.errors';
import type { NewEvent, StreamRef } from './event-store.types';
import { MongoEventStore } from './mongo-event-store';
import type { StreamReadStrategy } from './stream-readers';
import { contextAt, freshStream, openTestDatabase, type TestDatabase } from './testing/mongo-test-database';

const fiveEvents = (label: string): NewEvent[] => Array.from({ length: 5 }, (_, i) => ({ type: 'Ticked', data: { label, i } }));

describe.each<StreamReadStrategy>(['range', 'id-walk'])('appending to a stream (MongoDB-protocol server, %s reads)', (streamReads) => {
  let database: TestDatabase;
  let store: MongoEventStore;

  beforeAll(async () => {
    database = await openTestDatabase('append');
    store = new MongoEventStore(database.db, { streamReads });
    await store.ensureIndexes();
  });
  afterAll(() => database.dispose());

  it('stores a multi-event append as one commit and reads it back in version order', async () => {
    const stream = freshStream();
    const result = await store.append(stream, 0, fiveEvents('a'), contextAt());
    expect(result).toMatchObject({ fromVersion: 1, toVersion: 5 });
    expect(await database.db.collection('events').countDocuments({ aggregateId: stream.aggregateId })).toBe(1);
    expect((await store.readStream(stream)).map((e) => [e.version, e.data['i']])).toEqual([0, 1, 2, 3, 4].map((i) => [i + 1, i]));
    expect(await store.streamVersion(stream)).toBe(5);
  });

  describe('G1: all events of a command commit together or not at all', () => {
    const raceRounds = async (stream: StreamRef, expectedVersionIsHead: boolean): Promise<void> => {
      for (let round = 0; round < 12; round++) {
        const head = round * 5;
        const outcomes = await Promise.allSettled([
          store.append(stream, head, fiveEvents(`left-${round}`), contextAt(), { expectedVersionIsHead }),
          store.append(stream, head, fiveEvents(`right-${round}`), contextAt(), { expectedVersionIsHead }),
        ]);
        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        const loser = outcomes.find((o) => o.status === 'rejected');
        expect(loser?.status === 'rejected' && loser.reason).toBeInstanceOf(ConcurrencyError);
        expect(await store.streamVersion(stream)).toBe(head + 5);
      }
    };

    it.each([
      ['after reading the head itself', false],
      ['trusting the caller that the expected version is the head', true],
    ])('two racing 5-event appends from the same head: exactly one wins, readers never see part (%s)', async (_, expectedVersionIsHead) => {
      const stream = freshStream();
      const seen: number[] = [];
      let racing = true;
      const reader = (async () => {
        while (racing) seen.push((await store.readStream(stream)).length);
      })();
      try {
        await raceRounds(stream, expectedVersionIsHead);
      } finally {
        racing = false;
        await reader;
      }
      const events = await store.readStream(stream);
      expect(events.map((e) => e.version)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
      for (let commit = 0; commit < 12; commit++) {
        expect(new Set(events.slice(commit * 5, commit * 5 + 5).map((e) => e.data['label'])).size).toBe(1);
      }
      expect(seen.length).toBeGreaterThan(0);
      expect(seen.filter((count) => count % 5 !== 0)).toEqual([]);
    });

    it('an append whose last event cannot be stored stores none of its events', async () => {
      const stream = freshStream();
      await store.append(stream, 0, [{ type: 'Ticked', data: {} }], contextAt());
      const tooBig = { type: 'Huge', data: { blob: 'x'.repeat(17 * 1024 * 1024) } };
      await expect(store.append(stream, 1, [...fiveEvents('ok'), tooBig], contextAt())).rejects.toThrow();
      expect(await store.streamVersion(stream)).toBe(1);
      expect(await store.readStream(stream)).toHaveLength(1);
    });
  });

  describe('G2: an append from a stale expected version fails', () => {
    let stream: StreamRef;
    beforeAll(async () => {
      stream = freshStream();
      await store.append(stream, 0, fiveEvents('first'), contextAt());
      await store.append(stream, 5, fiveEvents('second').slice(0, 2), contextAt());
    });

    it.each([
      ['a new stream that already exists', 0],
      ['an old head', 5],
      ['a version in the middle of a commit', 3],
      ['a version in the middle of the last commit', 6],
      ['a version beyond the head', 9],
    ])('refuses %s, naming the actual head', async (_, expectedVersion) => {
      const error = await store.append(stream, expectedVersion, fiveEvents('late'), contextAt()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConcurrencyError);
      expect((error as ConcurrencyError).details).toEqual({ expectedVersion, actualVersion: 7 });
      expect(await store.streamVersion(stream)).toBe(7);
    });

    it.each([0, 5])('refuses a stale head %i even when the caller vouches for it (the commit key collides)', async (expectedVersion) => {
      const error = await store.append(stream, expectedVersion, fiveEvents('late'), contextAt(), { expectedVersionIsHead: true }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConcurrencyError);
      expect((error as ConcurrencyError).code).toBe('concurrency');
      expect((error as ConcurrencyError).details).toEqual({ expectedVersion, actualVersion: 7 });
      expect((await store.readStream(stream)).map((e) => e.version)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    });

    it('appends from the actual head', async () => {
      await expect(store.append(stream, 7, fiveEvents('third'), contextAt())).resolves.toMatchObject({ fromVersion: 8, toVersion: 12 });
    });
  });

  it('keeps streams apart whose names only differ in where a separator falls', async () => {
    const left = { tenant: 'a|b', aggregateType: 'c', aggregateId: 'd' };
    const right = { tenant: 'a', aggregateType: 'b|c', aggregateId: 'd' };
    await store.append(left, 0, fiveEvents('left'), contextAt());
    await store.append(right, 0, fiveEvents('right'), contextAt(), { expectedVersionIsHead: true });
    expect((await store.readStream(right)).map((e) => e.data['label'])).toEqual(Array(5).fill('right'));
    expect((await store.readStream(left)).map((e) => e.data['label'])).toEqual(Array(5).fill('left'));
  });

  it('rejects malformed appends before touching the store', async () => {
    const stream = freshStream();
    await expect(store.append(stream, -1, fiveEvents('x'), contextAt())).rejects.toThrow(TypeError);
    await expect(store.append(stream, 0, [], contextAt())).rejects.toThrow(TypeError);
    await expect(store.append({ ...stream, tenant: '' }, 0, fiveEvents('x'), contextAt())).rejects.toThrow(TypeError);
    expect(await store.streamVersion(stream)).toBe(0);
  });
});
