import type { StoredEvent, StreamRef } from './event-store.types';
import { MongoEventStore } from './mongo-event-store';
import { isFerretDb } from './stream-readers';
import { contextAt, freshStream, openTestDatabase, type TestDatabase } from './testing/mongo-test-database';

/** Commit sizes with a commit larger than the id-walk's probe window, so mid-commit starts fall back. */
const COMMIT_SIZES = [1, 3, 12, 2, 1, 5];
const HEAD = COMMIT_SIZES.reduce((a, b) => a + b, 0);
const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute));

describe('range and id-walk stream reads agree (MongoDB-protocol server)', () => {
  let database: TestDatabase;
  let range: MongoEventStore;
  let idWalk: MongoEventStore;
  let stream: StreamRef;
  const shape = (events: StoredEvent[]) => events.map((e) => [e.version, e.eventId, e.data['n']]);

  beforeAll(async () => {
    database = await openTestDatabase('stream_reads');
    range = new MongoEventStore(database.db, { streamReads: 'range' });
    idWalk = new MongoEventStore(database.db, { streamReads: 'id-walk' });
    await range.ensureIndexes();
    stream = freshStream();
    let head = 0;
    for (const [i, size] of COMMIT_SIZES.entries()) {
      const events = Array.from({ length: size }, (_, k) => ({ type: 'N', data: { n: head + k + 1 } }));
      await range.append(stream, head, events, contextAt(at(i * 2)), { expectedVersionIsHead: true });
      head += size;
    }
    // A neighbouring stream whose keys share a prefix with the one read.
    await range.append({ ...stream, aggregateId: `${stream.aggregateId}0` }, 0, [{ type: 'N', data: { n: 0 } }], contextAt());
  });
  afterAll(() => database.dispose());

  it('for every version range, including starts inside commits and beyond the head', async () => {
    for (let from = 0; from <= HEAD + 2; from++) {
      for (const to of [undefined, from - 1, from, from + 1, from + 4, HEAD, HEAD + 3]) {
        const expected = await range.readStream(stream, { fromVersion: from, toVersion: to });
        expect([from, to, shape(await idWalk.readStream(stream, { fromVersion: from, toVersion: to }))]).toEqual([from, to, shape(expected)]);
      }
    }
    expect(shape(await idWalk.readStream(stream))).toEqual(Array.from({ length: HEAD }, (_, i) => [i + 1, expect.any(String), i + 1]));
  });

  it('for temporal reads', async () => {
    for (let minute = -1; minute <= COMMIT_SIZES.length * 2 + 1; minute++) {
      for (const fromVersion of [1, 3, 6, 16]) {
        const options = { fromVersion, untilTimestamp: at(minute) };
        expect(shape(await idWalk.readStream(stream, options))).toEqual(shape(await range.readStream(stream, options)));
      }
    }
  });

  it('for heads, also after another writer moved the stream past a remembered commit', async () => {
    expect(await idWalk.streamVersion(stream)).toBe(HEAD);
    expect(await idWalk.streamVersion(freshStream())).toBe(0);
    const other = freshStream();
    await idWalk.append(other, 0, [{ type: 'N', data: {} }], contextAt());
    expect(await idWalk.streamVersion(other)).toBe(1);
    await range.append(other, 1, [{ type: 'N', data: {} }, { type: 'N', data: {} }], contextAt());
    expect(await idWalk.streamVersion(other)).toBe(3);
    expect(await range.streamVersion(other)).toBe(3);
    await database.db.collection('events').deleteMany({ aggregateId: other.aggregateId });
    expect(await idWalk.streamVersion(other)).toBe(0);
  });

  it('auto reads by id on FerretDB and by range elsewhere, with the same results', async () => {
    const auto = new MongoEventStore(database.db);
    expect(shape(await auto.readStream(stream, { fromVersion: 5 }))).toEqual(shape(await range.readStream(stream, { fromVersion: 5 })));
    expect(await auto.streamVersion(stream)).toBe(HEAD);
    const info = await database.db.admin().command({ buildInfo: 1 });
    expect(await isFerretDb(database.db)).toBe(typeof info['ferretdbVersion'] === 'string');
  });
});
