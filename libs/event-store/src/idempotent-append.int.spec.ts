import { AggregateRepository } from './aggregate.repository';
import { DuplicateCommandError } from './event-store.errors';
import type { NewEvent } from './event-store.types';
import { MongoEventStore } from './mongo-event-store';
import { counterDecider } from './testing/counter.decider';
import { contextAt, freshStream, openTestDatabase, type TestDatabase } from './testing/mongo-test-database';

const ticks = (label: string, n = 2): NewEvent[] => Array.from({ length: n }, (_, i) => ({ type: 'Ticked', data: { label, i } }));
const keyed = (idempotencyKey: string) => contextAt(undefined, { idempotencyKey });

/**
 * G9 under crashes: a command's first attempt may append and die before its answer is recorded.
 * The commit carries the attempt's idempotency key under a per-tenant unique index, so a retry can
 * never append the command a second time, and finds the earlier commit to answer from.
 */
describe('idempotent appends (MongoDB-protocol server)', () => {
  let database: TestDatabase;
  let store: MongoEventStore;
  let repository: AggregateRepository;

  beforeAll(async () => {
    database = await openTestDatabase('idempotent');
    store = new MongoEventStore(database.db);
    await store.ensureIndexes();
    repository = new AggregateRepository(store, { sleep: async () => undefined });
  });
  afterAll(() => database.dispose());

  const commitsOf = (aggregateId: string) => database.db.collection('events').countDocuments({ aggregateId });

  it('given a commit with a key, when the same key is appended again, then nothing is stored and the earlier commit is named', async () => {
    const stream = freshStream();
    const first = await store.append(stream, 0, ticks('first'), keyed('k-1'));
    const error = await store.append(stream, 2, ticks('again'), keyed('k-1')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DuplicateCommandError);
    expect((error as DuplicateCommandError).commit).toMatchObject({ id: first.commitId, fromVersion: 1, toVersion: 2, aggregateId: stream.aggregateId });
    expect(await store.streamVersion(stream)).toBe(2);
  });

  it('given a key used on one stream, when another stream of the tenant appends with it, then it is refused too (a create retried under a new id)', async () => {
    const first = freshStream();
    const other = freshStream();
    await store.append(first, 0, ticks('create'), keyed('k-create'));
    await expect(store.append(other, 0, ticks('create'), keyed('k-create'))).rejects.toBeInstanceOf(DuplicateCommandError);
    expect(await commitsOf(other.aggregateId)).toBe(0);
  });

  it('given the same head and the same key, when two attempts race, then one appends and the other is a duplicate, not a version conflict', async () => {
    const stream = freshStream();
    const outcomes = await Promise.allSettled([store.append(stream, 0, ticks('a'), keyed('k-race')), store.append(stream, 0, ticks('b'), keyed('k-race'))]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const loser = outcomes.find((o) => o.status === 'rejected');
    expect(loser?.status === 'rejected' && loser.reason).toBeInstanceOf(DuplicateCommandError);
  });

  it('keys are per tenant, and commits without a key never collide with each other', async () => {
    const a = freshStream('Counter', 'tenant-a');
    const b = freshStream('Counter', 'tenant-b');
    await store.append(a, 0, ticks('a'), keyed('shared-key'));
    await expect(store.append(b, 0, ticks('b'), keyed('shared-key'))).resolves.toMatchObject({ toVersion: 2 });
    const plain = freshStream();
    for (let head = 0; head < 6; head += 2) await store.append(plain, head, ticks('plain'), contextAt());
    expect(await store.streamVersion(plain)).toBe(6);
  });

  describe('the repository answers a retried command from its earlier commit', () => {
    it('given the first attempt appended, when a resumed attempt handles the same command, then it appends nothing and returns the earlier result', async () => {
      const stream = freshStream();
      const first = await repository.handle(counterDecider, stream, { type: 'Increment', by: 5 }, { context: keyed('k-inc') });
      const retried = await repository.handle(counterDecider, stream, { type: 'Increment', by: 5 }, { context: keyed('k-inc'), resumed: true });
      expect(retried).toMatchObject({ replayed: true, fromVersion: first.fromVersion, toVersion: first.toVersion, stream, state: first.state });
      expect(retried.events.map((e) => e.eventId)).toEqual(first.events.map((e) => e.eventId));
      expect(await store.streamVersion(stream)).toBe(first.toVersion);
    });

    it('given a resumed attempt of a create whose id was chosen anew, then it answers with the first attempt\'s stream', async () => {
      const original = freshStream();
      const first = await repository.handle(counterDecider, original, { type: 'Increment', by: 1 }, { context: keyed('k-new') });
      const retried = await repository.handle(counterDecider, freshStream(), { type: 'Increment', by: 1 }, { context: keyed('k-new'), resumed: true });
      expect(retried).toMatchObject({ replayed: true, stream: original, toVersion: first.toVersion });
    });

    it('given the attempt is not known to be resumed (its record expired), when it decides again, then the append collides and the earlier result is returned', async () => {
      const stream = freshStream();
      const first = await repository.handle(counterDecider, stream, { type: 'Increment', by: 3 }, { context: keyed('k-late') });
      const retried = await repository.handle(counterDecider, stream, { type: 'Increment', by: 3 }, { context: keyed('k-late') });
      expect(retried).toMatchObject({ replayed: true, toVersion: first.toVersion, state: first.state });
      expect(await store.streamVersion(stream)).toBe(first.toVersion);
    });

    it('given a resumed attempt whose first attempt never appended, then it runs the command', async () => {
      const stream = freshStream();
      const result = await repository.handle(counterDecider, stream, { type: 'Increment', by: 2 }, { context: keyed('k-never'), resumed: true });
      expect(result.replayed).toBeUndefined();
      expect(result.toVersion).toBe(1);
    });
  });
});
