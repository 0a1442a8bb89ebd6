import { MongoClient, MongoServerError } from 'mongodb';
import { requireEnv, uniqueName } from './require-env';

describe('MongoDB smoke test (real server)', () => {
  const client = new MongoClient(requireEnv('MONGO_URL'));
  const dbName = uniqueName('smoke');

  beforeAll(() => client.connect());
  afterAll(async () => {
    await client.db(dbName).dropDatabase();
    await client.close();
  });

  it('enforces a unique index with a duplicate-key error (code 11000)', async () => {
    const streams = client.db(dbName).collection<{ streamId: string; version: number }>('events');
    await streams.createIndex({ streamId: 1, version: 1 }, { unique: true });
    await streams.insertOne({ streamId: 'product-1', version: 1 });

    const duplicate = streams.insertOne({ streamId: 'product-1', version: 1 });
    await expect(duplicate).rejects.toBeInstanceOf(MongoServerError);
    await expect(duplicate).rejects.toMatchObject({ code: 11000 });

    await streams.insertOne({ streamId: 'product-1', version: 2 });
    expect(await streams.countDocuments({ streamId: 'product-1' })).toBe(2);
  });

  it('applies a conditional single-document update atomically', async () => {
    const docs = client.db(dbName).collection<{ _id: string; version: number }>('models');
    await docs.insertOne({ _id: 'a', version: 1 });
    const applied = await docs.updateOne({ _id: 'a', version: 1 }, { $set: { version: 2 } });
    const stale = await docs.updateOne({ _id: 'a', version: 1 }, { $set: { version: 3 } });
    expect([applied.modifiedCount, stale.modifiedCount]).toEqual([1, 0]);
  });
});
