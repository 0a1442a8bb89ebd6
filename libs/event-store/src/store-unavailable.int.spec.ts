import { MongoClient } from 'mongodb';
import { createServer, type Server } from 'node:net';
import { AggregateRepository } from './aggregate.repository';
import { StoreUnavailableError } from './event-store.errors';
import { MongoEventStore } from './mongo-event-store';
import { SnapshotStore } from './snapshot.store';
import { contextAt, freshStream } from './testing/mongo-test-database';

describe('an event store whose server cannot be reached', () => {
  let client: MongoClient;
  let store: MongoEventStore;
  let closedPort: number;

  beforeAll(async () => {
    // A port that was just free: nothing listens there any more.
    const probe: Server = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    closedPort = (probe.address() as { port: number }).port;
    await new Promise((resolve) => probe.close(resolve));
    client = new MongoClient(`mongodb://127.0.0.1:${closedPort}/?directConnection=true`, { serverSelectionTimeoutMS: 300 });
    store = new MongoEventStore(client.db('unreachable'));
  });
  afterAll(() => client.close());

  it('fails every operation with StoreUnavailableError, so the edge can answer 503', async () => {
    const stream = freshStream();
    await expect(store.append(stream, 0, [{ type: 'A', data: {} }], contextAt())).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.append(stream, 0, [{ type: 'A', data: {} }], contextAt(), { expectedVersionIsHead: true })).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.readStream(stream)).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.streamVersion(stream)).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.findPending(10)).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.pendingStats()).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.ensureIndexes()).rejects.toBeInstanceOf(StoreUnavailableError);
    const iterate = async () => {
      for await (const event of store.readAllOfType('Counter')) void event;
    };
    await expect(iterate()).rejects.toBeInstanceOf(StoreUnavailableError);
  });

  it('is not retried by command handling as if it were a lost race', async () => {
    const sleeps: number[] = [];
    const repository = new AggregateRepository(store, { snapshots: new SnapshotStore(client.db('unreachable')), sleep: async (ms) => void sleeps.push(ms) });
    const decider = { initialState: () => 0, decide: () => [{ type: 'A', data: {} }], evolve: (s: number) => s + 1 };
    await expect(repository.handle(decider, freshStream(), {}, { context: contextAt(), snapshotSchema: 1 })).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(sleeps).toEqual([]);
  });
});
