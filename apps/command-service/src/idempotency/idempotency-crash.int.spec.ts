import { randomBytes, randomUUID } from 'node:crypto';
import { MongoClient, type Db } from 'mongodb';
import { aggregateTypes, eventSchemas, productDecider, type Money, type ProductCommand } from '@eventide/domain';
import { AggregateRepository, EventSchemaRegistry, MongoEventStore, StoreUnavailableError } from '@eventide/event-store';
import { ProblemError } from '@eventide/service-kit';
import { CommandExecutor, type CommandResult } from '../commands/command-executor';
import { withAttempt, type RequestContext } from '../commands/request-context';
import { IdempotencyStore, requestHash, type IdempotentAttempt, type StoredResponse } from './idempotency.store';

/**
 * G9 across a crash (found by the chaos soak): the answer to a keyed command is recorded after its
 * append, so a process that dies in between leaves a claimed key, no answer, and a commit. The
 * retry that takes the expired claim over must answer from that commit, never run the command again.
 * Here the "crash" is an attempt that appends and then never finishes, exactly what the record
 * sees when the process is killed; the store, the executor and the server are the real ones.
 */
describe('Idempotency-Key across a crash between append and answer (MongoDB)', () => {
  const tenant = 'tenant-crash';
  const lockMs = 300;
  let client: MongoClient;
  let db: Db;
  let store: MongoEventStore;
  let executor: CommandExecutor;
  let idempotency: IdempotencyStore;

  beforeAll(async () => {
    const url = process.env['MONGO_URL'];
    if (!url) throw new Error('MONGO_URL is not set: run through `npm test` or `eval "$(node tools/bootstrap.mjs infra env)"`');
    client = await MongoClient.connect(url, { serverSelectionTimeoutMS: 5_000 });
    db = client.db(`idem_crash_${randomBytes(4).toString('hex')}`);
    store = new MongoEventStore(db, { schemas: new EventSchemaRegistry(eventSchemas) });
    await store.ensureIndexes();
    idempotency = new IdempotencyStore(db, lockMs);
    await idempotency.ensureIndexes();
    executor = new CommandExecutor(new AggregateRepository(store), () => undefined);
  });

  afterAll(async () => {
    try {
      await db.dropDatabase();
    } finally {
      await client.close();
    }
  });

  const context = (): RequestContext => ({ tenant, correlationId: randomUUID() });
  const create = (): ProductCommand => ({ type: 'CreateProduct', data: { name: 'Lamp', description: '', price: 1000 as Money, quantity: 10 } });
  const restock = (quantity: number): ProductCommand => ({ type: 'RestockProduct', data: { quantity } });
  const streamOf = (id: string) => ({ tenant, aggregateType: aggregateTypes.product, aggregateId: id });
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  /** What a controller does: run the command under the key, as one attempt. */
  function send(key: string, path: string, body: unknown, id: () => string, command: ProductCommand, status: 200 | 201 = 200) {
    return (onAttempt: (run: () => Promise<StoredResponse>, attempt: IdempotentAttempt) => Promise<StoredResponse>) =>
      idempotency.run(tenant, key, requestHash('POST', path, body), (attempt) =>
        onAttempt(async () => ({ status, body: await executor.execute(productDecider, aggregateTypes.product, id(), command, withAttempt(context(), attempt)) }), attempt),
      );
  }
  /** An attempt that appends and then dies before its answer is recorded. */
  const crashAfterAppend = async (run: () => Promise<StoredResponse>): Promise<StoredResponse> => {
    await run();
    return new Promise<StoredResponse>(() => undefined);
  };
  const completes = (run: () => Promise<StoredResponse>) => run();

  async function created(): Promise<string> {
    const id = randomUUID();
    await executor.execute(productDecider, aggregateTypes.product, id, create(), context());
    return id;
  }

  it('given a restock that appended and crashed, when it is retried after the claim expired, then it is answered from its commit and stock rises once', async () => {
    const id = await created();
    const restockOf = send(`restock-${id}`, `/v1/products/${id}/restock`, { quantity: 5 }, () => id, restock(5));
    void restockOf(crashAfterAppend);
    await sleep(lockMs + 100);
    const retried = await restockOf(async (run, attempt) => {
      expect(attempt.resumed).toBe(true);
      return run();
    });
    expect(retried).toMatchObject({ status: 200, replayed: false, body: { id, version: 2 } });
    const events = await store.readStream(streamOf(id));
    expect(events.map((e) => e.type)).toEqual(['ProductCreated', 'ProductRestocked']);
    // And the recorded answer now serves every later retry.
    expect(await restockOf(completes)).toMatchObject({ status: 200, replayed: true, body: { version: 2 } });
  });

  it('given a create without an id that appended and crashed, when retried, then it answers 201 with the first id, not a second product', async () => {
    const chosen: string[] = [];
    const createOf = send(`create-${randomUUID()}`, '/v1/products', { name: 'Lamp' }, () => (chosen.push(randomUUID()), chosen.at(-1) as string), create(), 201);
    void createOf(crashAfterAppend);
    await sleep(lockMs + 100);
    const retried = await createOf(completes);
    expect(retried).toMatchObject({ status: 201, body: { id: chosen[0], version: 1 } });
    expect(chosen).toHaveLength(2);
    expect(await store.streamVersion(streamOf(chosen[1] as string))).toBe(0);
  });

  it('given a create with its own id that appended and crashed, when retried, then it is answered 201, not refused as existing', async () => {
    const id = randomUUID();
    const createOf = send(`create-${id}`, '/v1/products', { id }, () => id, create(), 201);
    void createOf(crashAfterAppend);
    await sleep(lockMs + 100);
    const retried = await createOf(completes);
    expect(retried).toMatchObject({ status: 201, body: { id, version: 1 } });
    expect((retried.body as CommandResult).consistencyToken).toEqual(expect.any(String));
  });

  it('given an append that succeeded although the store then reported an outage, when retried at once, then it is answered from its commit', async () => {
    const id = await created();
    const restockOf = send(`outage-${id}`, `/v1/products/${id}/restock`, { quantity: 3 }, () => id, restock(3));
    await expect(
      restockOf(async (run) => {
        await run();
        throw new StoreUnavailableError('event store unavailable: the answer was lost');
      }),
    ).rejects.toBeInstanceOf(StoreUnavailableError);
    // No waiting for the claim to expire: an outage releases it at once.
    const retried = await restockOf(completes);
    expect(retried).toMatchObject({ status: 200, body: { id, version: 2 } });
    expect(await store.streamVersion(streamOf(id))).toBe(2);
  });

  it('given the first attempt is still running, when a retry comes before the claim expires, then it is told to retry later and runs nothing', async () => {
    const id = await created();
    const restockOf = send(`inflight-${id}`, `/v1/products/${id}/restock`, { quantity: 1 }, () => id, restock(1));
    void restockOf(crashAfterAppend);
    await sleep(50);
    const error = await restockOf(completes).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProblemError);
    expect((error as ProblemError).problem.status).toBe(409);
    await sleep(lockMs + 100);
    expect(await store.streamVersion(streamOf(id))).toBe(2);
  });

  it('given the key record is gone (its 24 h expired), when the same request comes again, then the commit still stops a second restock', async () => {
    const id = await created();
    const key = `expired-${id}`;
    const restockOf = send(key, `/v1/products/${id}/restock`, { quantity: 4 }, () => id, restock(4));
    await restockOf(completes);
    await db.collection('idempotency_keys').deleteOne({ _id: `${tenant}|${key}` as never });
    expect(await restockOf(completes)).toMatchObject({ status: 200, body: { version: 2 } });
    expect(await store.streamVersion(streamOf(id))).toBe(2);
    // The same key with another body after expiry is another command.
    const other = send(key, `/v1/products/${id}/restock`, { quantity: 6 }, () => id, restock(6));
    await db.collection('idempotency_keys').deleteOne({ _id: `${tenant}|${key}` as never });
    expect(await other(completes)).toMatchObject({ status: 200, body: { version: 3 } });
  });
});
