import { randomBytes } from 'node:crypto';
import { MongoClient, type Db } from 'mongodb';
import type { AppendContext, StreamRef } from '../event-store.types';

/** The server integration tests run against; never optional, so a missing server fails the run. */
export function requireMongoUrl(): string {
  const url = process.env['MONGO_URL'];
  if (!url) throw new Error('MONGO_URL is not set: run through `npm test` (or `eval "$(node tools/bootstrap.mjs infra env)"`), which provisions the server');
  return url;
}

export interface TestDatabase {
  client: MongoClient;
  db: Db;
  /** Drops the database and closes the client. */
  dispose(): Promise<void>;
}

/** A fresh database of its own for one test file. */
export async function openTestDatabase(label: string): Promise<TestDatabase> {
  const client = await MongoClient.connect(requireMongoUrl(), { serverSelectionTimeoutMS: 5_000 });
  const db = client.db(`es_${label}_${randomBytes(4).toString('hex')}`);
  return {
    client,
    db,
    async dispose() {
      try {
        await db.dropDatabase();
      } finally {
        await client.close();
      }
    },
  };
}

let streamCounter = 0;

/** A stream no other test uses. */
export function freshStream(aggregateType = 'Counter', tenant = 'tenant-a'): StreamRef {
  streamCounter += 1;
  return { tenant, aggregateType, aggregateId: `${aggregateType.toLowerCase()}-${streamCounter}-${randomBytes(3).toString('hex')}` };
}

/** An append context with fixed correlation data and the given time. */
export function contextAt(occurredAt = new Date('2026-01-01T00:00:00.000Z'), extra: Partial<AppendContext> = {}): AppendContext {
  return { correlationId: 'corr-1', causationId: 'cause-1', occurredAt, ...extra };
}
