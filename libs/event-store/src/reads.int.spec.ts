import { EventSchemaRegistry } from './event-schema.registry';
import type { CommitDoc, StoredEvent } from './event-store.types';
import { MongoEventStore } from './mongo-event-store';
import type { StreamReadStrategy } from './stream-readers';
import { commitId } from './stream-key';
import { contextAt, freshStream, openTestDatabase, type TestDatabase } from './testing/mongo-test-database';

const schemas = new EventSchemaRegistry({
  ItemRenamed: {
    version: 3,
    upcasters: {
      1: (data) => ({ name: data['title'] }),
      2: (data) => ({ ...data, locale: 'en' }),
    },
  },
});

describe.each<StreamReadStrategy>(['range', 'id-walk'])('reading the event store (MongoDB-protocol server, %s reads)', (streamReads) => {
  let database: TestDatabase;
  let store: MongoEventStore;

  beforeAll(async () => {
    database = await openTestDatabase('reads');
    store = new MongoEventStore(database.db, { schemas, streamReads });
    await store.ensureIndexes();
  });
  afterAll(() => database.dispose());

  it('gives every event all the metadata of §4', async () => {
    const stream = freshStream('Product', 'tenant-m');
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const context = contextAt(new Date('2026-05-06T07:08:09.010Z'), { eventIds: ['ev-1', 'ev-2'], traceparent, tracestate: 'x=1' });
    await store.append(stream, 0, [{ type: 'Created', data: {} }, { type: 'ItemRenamed', data: { name: 'n' } }], context);
    const [, renamed] = await store.readStream(stream);
    expect(renamed?.metadata).toEqual({
      eventId: 'ev-2',
      type: 'ItemRenamed',
      schemaVersion: 3,
      aggregateType: 'Product',
      aggregateId: stream.aggregateId,
      version: 2,
      tenant: 'tenant-m',
      timestamp: '2026-05-06T07:08:09.010Z',
      correlationId: 'corr-1',
      causationId: 'cause-1',
      traceparent,
      tracestate: 'x=1',
    });
    expect(renamed).toMatchObject({ eventId: 'ev-2', type: 'ItemRenamed', schemaVersion: 3, version: 2, data: { name: 'n' } });
  });

  it('reads a version range, cutting commits where the range cuts them', async () => {
    const stream = freshStream();
    await store.append(stream, 0, [1, 2, 3].map((n) => ({ type: 'N', data: { n } })), contextAt());
    await store.append(stream, 3, [4, 5, 6].map((n) => ({ type: 'N', data: { n } })), contextAt());
    await store.append(stream, 6, [{ type: 'N', data: { n: 7 } }], contextAt());
    const versions = async (fromVersion?: number, toVersion?: number) => (await store.readStream(stream, { fromVersion, toVersion })).map((e) => e.version);
    expect(await versions()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(await versions(3, 5)).toEqual([3, 4, 5]);
    expect(await versions(6)).toEqual([6, 7]);
    expect(await versions(1, 1)).toEqual([1]);
    expect(await versions(8)).toEqual([]);
    expect(await store.readStream(freshStream())).toEqual([]);
  });

  it('reads the stream as it was at an instant (temporal queries)', async () => {
    const stream = freshStream();
    const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute));
    await store.append(stream, 0, [{ type: 'N', data: { n: 1 } }, { type: 'N', data: { n: 2 } }], contextAt(at(1)));
    await store.append(stream, 2, [{ type: 'N', data: { n: 3 } }], contextAt(at(5)));
    await store.append(stream, 3, [{ type: 'N', data: { n: 4 } }], contextAt(at(9)));
    expect(await store.readStreamUntil(stream, at(0))).toEqual([]);
    expect((await store.readStreamUntil(stream, at(1))).map((e) => e.version)).toEqual([1, 2]);
    expect((await store.readStreamUntil(stream, at(8))).map((e) => e.version)).toEqual([1, 2, 3]);
    expect((await store.readStream(stream, { untilTimestamp: at(60) })).map((e) => e.version)).toEqual([1, 2, 3, 4]);
  });

  describe('G10: events stored under an older schema version', () => {
    const stream = freshStream('Item', 'tenant-old');
    const oldCommit: CommitDoc = {
      _id: commitId(stream, 1),
      tenant: stream.tenant,
      aggregateType: stream.aggregateType,
      aggregateId: stream.aggregateId,
      fromVersion: 1,
      toVersion: 2,
      committedAt: new Date('2020-01-01T00:00:00Z'),
      partition: 0,
      pending: true,
      events: [
        { eventId: 'old-1', type: 'ItemRenamed', schemaVersion: 1, version: 1, data: { title: 'first' }, metadata: { timestamp: '2020-01-01T00:00:00.000Z', correlationId: 'c', causationId: 'c' } },
        { eventId: 'old-2', type: 'ItemRenamed', schemaVersion: 2, version: 2, data: { name: 'second' }, metadata: { timestamp: '2020-01-01T00:00:00.000Z', correlationId: 'c', causationId: 'c' } },
      ],
    };
    const expected = [
      { version: 1, schemaVersion: 3, data: { name: 'first', locale: 'en' } },
      { version: 2, schemaVersion: 3, data: { name: 'second', locale: 'en' } },
    ];
    const shape = (events: StoredEvent[]) => events.map((e) => ({ version: e.version, schemaVersion: e.schemaVersion, data: e.data }));

    beforeAll(async () => {
      await database.db.collection<CommitDoc>('events').insertOne(structuredClone(oldCommit));
    });

    it('are upcast to the current version on every read, metadata included', async () => {
      const read = await store.readStream(stream);
      expect(shape(read)).toEqual(expected);
      expect(read.map((e) => e.metadata.schemaVersion)).toEqual([3, 3]);
      const all: StoredEvent[] = [];
      for await (const event of store.readAllOfType('Item', { tenant: 'tenant-old' })) all.push(event);
      expect(shape(all)).toEqual(expected);
      const pending = (await store.findPending(1000)).filter((c) => c.id === oldCommit._id);
      expect(shape(pending.flatMap((c) => c.events))).toEqual(expected);
    });

    it('stay in the store as they were written', async () => {
      await store.readStream(stream);
      expect(await database.db.collection<CommitDoc>('events').findOne({ _id: oldCommit._id })).toEqual(oldCommit);
    });

    it('are appended after under the current version', async () => {
      await store.append(stream, 2, [{ type: 'ItemRenamed', data: { name: 'third', locale: 'fr' } }], contextAt());
      const raw = await database.db.collection<CommitDoc>('events').findOne({ _id: commitId(stream, 3) });
      expect(raw?.events[0]?.schemaVersion).toBe(3);
    });
  });

  it('readAllOfType yields every stream of a type, each in version order, through a cursor', async () => {
    const type = 'Ledger';
    const streams = Array.from({ length: 25 }, (_, i) => freshStream(type, i % 3 === 0 ? 'tenant-x' : 'tenant-y'));
    const heads = new Map(streams.map((s) => [s.aggregateId, 0]));
    // Interleave appends across streams so insertion order differs from stream order.
    for (let round = 0; round < 4; round++) {
      for (const [i, s] of streams.entries()) {
        if ((i + round) % 4 === 0) continue;
        const head = heads.get(s.aggregateId) ?? 0;
        const size = 1 + ((i * 7 + round) % 3);
        await store.append(s, head, Array.from({ length: size }, () => ({ type: 'Posted', data: { round } })), contextAt(), { expectedVersionIsHead: true });
        heads.set(s.aggregateId, head + size);
      }
    }
    await store.append(freshStream('OtherType', 'tenant-x'), 0, [{ type: 'Posted', data: {} }], contextAt());

    const seen = new Map<string, number[]>();
    let total = 0;
    for await (const event of store.readAllOfType(type, { batchSize: 7 })) {
      expect(event.metadata.aggregateType).toBe(type);
      const key = `${event.metadata.tenant}/${event.metadata.aggregateId}`;
      seen.set(key, [...(seen.get(key) ?? []), event.version]);
      total += 1;
    }
    expect(total).toBe([...heads.values()].reduce((a, b) => a + b, 0));
    for (const s of streams) {
      const head = heads.get(s.aggregateId) ?? 0;
      expect(seen.get(`${s.tenant}/${s.aggregateId}`)).toEqual(Array.from({ length: head }, (_, i) => i + 1));
    }
    let onlyX = 0;
    for await (const event of store.readAllOfType(type, { tenant: 'tenant-x' })) {
      expect(event.metadata.tenant).toBe('tenant-x');
      onlyX += 1;
    }
    expect(onlyX).toBe(streams.filter((s) => s.tenant === 'tenant-x').reduce((sum, s) => sum + (heads.get(s.aggregateId) ?? 0), 0));
  });

  it('readAllOfTypes yields every stream of several types in one pass, each contiguous and in version order', async () => {
    const suffix = Math.random().toString(36).slice(2, 8);
    const [alpha, beta, ignored] = ['Alpha', 'Beta', 'Ignored'].map((t) => `${t}${suffix}`) as [string, string, string];
    const streams = Array.from({ length: 12 }, (_, i) => freshStream(i % 2 === 0 ? alpha : beta, i % 3 === 0 ? 'tenant-x' : 'tenant-y'));
    const heads = new Map(streams.map((s) => [s.aggregateId, 0]));
    // Interleave appends across streams and types so insertion order differs from stream order.
    for (let round = 0; round < 3; round++) {
      for (const [i, s] of streams.entries()) {
        const head = heads.get(s.aggregateId) ?? 0;
        const size = 1 + ((i + round) % 2);
        await store.append(s, head, Array.from({ length: size }, () => ({ type: 'Posted', data: { round } })), contextAt(), { expectedVersionIsHead: true });
        heads.set(s.aggregateId, head + size);
      }
      await store.append(freshStream(ignored, 'tenant-x'), 0, [{ type: 'Posted', data: {} }], contextAt());
    }
    const read = async (types: string[], options: { tenant?: string; batchSize?: number } = {}) => {
      const events: StoredEvent[] = [];
      for await (const event of store.readAllOfTypes(types, options)) events.push(event);
      return events;
    };

    const events = await read([beta, alpha, beta], { batchSize: 5 });
    expect(events.every((e) => e.metadata.aggregateType === alpha || e.metadata.aggregateType === beta)).toBe(true);
    // Streams contiguous: once a stream's events end, it does not come back; within one, versions 1..head.
    const keys = events.map((e) => `${e.metadata.aggregateType}/${e.metadata.tenant}/${e.metadata.aggregateId}`);
    const runs = keys.filter((key, i) => key !== keys[i - 1]);
    expect(new Set(runs).size).toBe(runs.length);
    expect(runs).toHaveLength(streams.length);
    for (const s of streams) {
      const versions = events.filter((e) => e.metadata.aggregateId === s.aggregateId).map((e) => e.version);
      expect(versions).toEqual(Array.from({ length: heads.get(s.aggregateId) ?? 0 }, (_, i) => i + 1));
    }
    // The same events in the same order as reading the types one at a time, in type order.
    const alphaFirst = [alpha, beta].sort();
    const oneByOne = [...(await read([alphaFirst[0] as string])), ...(await read([alphaFirst[1] as string]))];
    expect(events.map((e) => e.eventId)).toEqual(oneByOne.map((e) => e.eventId));

    const onlyX = await read([alpha, beta], { tenant: 'tenant-x' });
    expect(onlyX.every((e) => e.metadata.tenant === 'tenant-x')).toBe(true);
    expect(onlyX).toHaveLength(streams.filter((s) => s.tenant === 'tenant-x').reduce((sum, s) => sum + (heads.get(s.aggregateId) ?? 0), 0));
    expect(await read([])).toEqual([]);
  });
});
