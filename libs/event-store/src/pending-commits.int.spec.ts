import type { Commit } from './event-store.types';
import { MongoEventStore } from './mongo-event-store';
import { contextAt, freshStream, openTestDatabase, type TestDatabase } from './testing/mongo-test-database';

/** The publisher's port as the messaging library declares it; the store must fit it as is. */
interface Outbox {
  findPending(limit: number): Promise<Array<{ id: string; aggregateType: string; events: Commit['events'] }>>;
  markPublished(commitIds: string[]): Promise<void>;
}

describe('pending commits for the publisher (MongoDB-protocol server)', () => {
  let database: TestDatabase;
  let store: MongoEventStore;
  let now = Date.parse('2026-02-01T00:00:00Z');

  beforeAll(async () => {
    database = await openTestDatabase('pending');
    store = new MongoEventStore(database.db, {
      collectionName: 'outbox_events',
      partitionOf: (aggregateId) => (/^order-\d+$/.test(aggregateId) ? Number(aggregateId.slice(6)) % 3 : 0),
      clock: () => new Date((now += 1000)),
    });
    expect(Array.isArray(await store.ensureIndexes())).toBe(true);
    expect(Array.isArray(await store.ensureIndexes())).toBe(true);
  });
  afterAll(() => database.dispose());

  it('reports an empty backlog', async () => {
    expect(await store.pendingStats()).toEqual({ count: 0, oldestCommittedAt: null });
    expect(await store.findPending({ limit: 10 })).toEqual([]);
  });

  it('finds unpublished commits in stream order, per partition, until they are marked published', async () => {
    const streams = [5, 1, 3, 4].map((n) => ({ ...freshStream('Order', 'tenant-p'), aggregateId: `order-${n}` }));
    for (const round of [0, 1]) {
      for (const s of [...streams].reverse()) {
        await store.append(s, round * 2, [{ type: 'A', data: { round } }, { type: 'B', data: { round } }], contextAt());
      }
    }
    const stats = await store.pendingStats();
    expect(stats.count).toBe(8);
    expect(stats.oldestCommittedAt).toEqual(new Date(Date.parse('2026-02-01T00:00:01Z')));

    const all = await store.findPending({ limit: 100 });
    expect(all.map((c) => `${c.aggregateId}@${c.fromVersion}`)).toEqual(
      ['order-1', 'order-3', 'order-4', 'order-5'].flatMap((id) => [`${id}@1`, `${id}@3`]),
    );
    expect(all[0]).toMatchObject({ aggregateType: 'Order', tenant: 'tenant-p', toVersion: 2, partition: 1 });
    expect(all[0]?.events.map((e) => e.metadata.version)).toEqual([1, 2]);

    const partitionOne = await store.findPending({ partitions: [1], limit: 100 });
    expect(partitionOne.map((c) => `${c.aggregateId}@${c.fromVersion}`)).toEqual(['order-1@1', 'order-1@3', 'order-4@1', 'order-4@3']);
    expect((await store.findPending({ partitions: [0, 2], limit: 100 })).map((c) => c.partition)).toEqual([0, 0, 2, 2]);

    const firstThree = await store.findPending(3);
    expect(firstThree.map((c) => c.id)).toEqual(all.slice(0, 3).map((c) => c.id));
    await store.markPublished(firstThree.map((c) => c.id));
    const rest = await store.findPending({ limit: 100 });
    expect(rest.map((c) => c.id)).toEqual(all.slice(3).map((c) => c.id));
    expect((await store.pendingStats()).count).toBe(5);

    await store.markPublished(rest.map((c) => c.id));
    await store.markPublished([]);
    expect(await store.pendingStats()).toEqual({ count: 0, oldestCommittedAt: null });
    expect((await store.readStream(streams[0] ?? freshStream())).map((e) => e.version)).toEqual([1, 2, 3, 4]);
  });

  it('can serve as the publisher outbox without an adapter', async () => {
    const outbox: Outbox = store;
    const s = freshStream('Order', 'tenant-q');
    const { commitId } = await store.append(s, 0, [{ type: 'A', data: {} }], contextAt());
    expect((await outbox.findPending(10)).map((c) => c.id)).toContain(commitId);
    await outbox.markPublished([commitId]);
    expect((await outbox.findPending(10)).map((c) => c.id)).not.toContain(commitId);
  });

  it('never hands out a commit while an older commit of its stream is still pending and was not in the batch', async () => {
    // Simulates a scan that missed v1: v1 and v2 land on different publisher partitions, and only v2's is asked for.
    const stream = freshStream('Gapped');
    const elsewhere = new MongoEventStore(database.db, { collectionName: 'outbox_events', partitionOf: () => 7 });
    const v1 = await store.append(stream, 0, [{ type: 'Ticked', data: {} }], contextAt(new Date(now)));
    await elsewhere.append(stream, 1, [{ type: 'Ticked', data: {} }], contextAt(new Date(now)));
    expect(await store.findPending({ partitions: [7], limit: 10 })).toEqual([]);
    await store.markPublished([v1.commitId]);
    expect((await store.findPending({ partitions: [7], limit: 10 })).map((c) => c.fromVersion)).toEqual([2]);
  });
});
