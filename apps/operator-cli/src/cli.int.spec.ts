import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { MongoClient, type Db } from 'mongodb';
import { eventSchemas } from '@eventide/domain';
import { EventSchemaRegistry, MongoEventStore, streamKey, type StreamRef } from '@eventide/event-store';
import { ensureTopics, topicFor } from '@eventide/messaging';
import { readModelCollection, readModelId, StreamExceptions } from '@eventide/projections';

jest.setTimeout(120_000);

const root = join(__dirname, '..', '..', '..');
const need = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run through \`npm test\`, which provisions the servers`);
  return value;
};

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The operator CLI against the real servers, run as operators run it (a process with its own
 * environment), in a database, topic prefix and group prefix of its own.
 */
describe('operator CLI against MongoDB and Kafka', () => {
  const run = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const prefix = `cli-${run}.`;
  const tenant = `tenant-${run}`;
  const mongo = new MongoClient(need('MONGO_URL'));
  const db: Db = mongo.db(`cli_${run}`);
  const store = new MongoEventStore(db, { schemas: new EventSchemaRegistry(eventSchemas) });
  const kafka = new Kafka({ clientId: 'cli-int', brokers: need('KAFKA_BROKERS').split(','), logLevel: logLevel.NOTHING });
  const topics = ['product', 'order'].map((t) => topicFor(t, prefix));
  const context = { correlationId: `corr-${run}`, causationId: `cause-${run}`, occurredAt: new Date('2025-03-01T10:00:00Z') };

  function cli(...args: string[]): Promise<CliResult> {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'apps/operator-cli/src/main.ts'), ...args], {
      cwd: root,
      env: { ...process.env, MONGO_DB: db.databaseName, KAFKA_TOPIC_PREFIX: prefix, KAFKA_GROUP_PREFIX: prefix, TSX_TSCONFIG_PATH: join(root, 'tsconfig.base.json') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    return new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code) => resolve({ code, stdout, stderr }));
    });
  }

  const product = (id: string): StreamRef => ({ tenant, aggregateType: 'product', aggregateId: id });
  const created = { type: 'ProductCreated', data: { name: 'Lamp', description: 'A desk lamp', price: 2599, quantity: 7 } };

  beforeAll(async () => {
    await mongo.connect();
    await store.ensureIndexes();
    const admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, topics, 3, 1);
    await admin.disconnect();
  });

  afterAll(async () => {
    await db.dropDatabase().catch(() => undefined);
    await mongo.close();
    const admin = kafka.admin();
    await admin.connect();
    const mine = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    await admin.deleteTopics({ topics: mine }).catch(() => undefined);
    await admin.disconnect();
  });

  it('status --json on a fresh system: no generations yet, lag per partition, nothing parked', async () => {
    const result = await cli('status', '--json');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout) as { families: { name: string; groupId: string; generations: unknown; totalLag: number; parked: number; partitions: { topic: string; lag: number; end: number; committed: number }[] }[] };
    expect(doc.families.map((f) => f.name)).toEqual(['projector-mongo', 'projector-redis']);
    for (const family of doc.families) {
      expect(family.groupId).toBe(`${prefix}${family.name}`);
      expect(family.generations === null || typeof family.generations === 'object').toBe(true);
      expect(family.totalLag).toBe(0);
      expect(family.parked).toBe(0);
      expect(family.partitions).toHaveLength(6);
      for (const p of family.partitions) {
        expect(topics).toContain(p.topic);
        expect(typeof p.lag).toBe('number');
        expect(typeof p.end).toBe('number');
        expect(p.committed).toBe(-1);
      }
    }
  });

  it('status prints a summary and a partition table', async () => {
    const result = await cli('status', 'projector-mongo');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`projector-mongo  (consumer group ${prefix}projector-mongo)`);
    expect(result.stdout).toMatch(/total lag\s+0/);
    expect(result.stdout).toMatch(/TOPIC\s+PARTITION\s+COMMITTED\s+END\s+LAG\s+OWNER MEMBER/);
  });

  it('stream shows the events of a stream as a table, and in full with --json', async () => {
    const stream = product('shown');
    await store.append(stream, 0, [created], context);
    await store.append(stream, 1, [{ type: 'ProductPriceUpdated', data: { oldPrice: 2599, newPrice: 1999 } }], context);

    const table = await cli('stream', tenant, 'product', 'shown');
    expect(table.code).toBe(0);
    const lines = table.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^VERSION\s+TYPE\s+TIMESTAMP\s+EVENT ID\s+CORRELATION ID\s+CAUSATION ID$/);
    expect(lines[1]).toMatch(/^\s*1\s+ProductCreated\s+2025-03-01T10:00:00.000Z/);
    expect(lines[2]).toMatch(/^\s*2\s+ProductPriceUpdated\s+/);
    expect(table.stdout).toContain(`corr-${run}`);

    const json = await cli('stream', tenant, 'product', 'shown', '--json', '--from', '2');
    expect(json.code).toBe(0);
    const doc = JSON.parse(json.stdout) as { stream: { key: string }; events: { version: number; type: string; data: Record<string, unknown> }[] };
    expect(doc.stream.key).toBe(streamKey(stream));
    expect(doc.events).toEqual([expect.objectContaining({ version: 2, type: 'ProductPriceUpdated', data: { oldPrice: 2599, newPrice: 1999 } })]);
  });

  it('dlq list shows a parked stream; dlq replay applies it from the event store and un-parks it', async () => {
    const stream = product('parked');
    await store.append(stream, 0, [created], context);
    const key = streamKey(stream);
    await new StreamExceptions(db, 'projector-mongo').park(key, stream, { failedVersion: 1, view: 'product-details', reason: 'simulated failure for the CLI test' }, [1]);

    const table = await cli('dlq', 'list', 'projector-mongo');
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/STREAM KEY\s+FAILED VERSION\s+VIEW\s+REASON\s+HELD\s+PARKED AT/);
    expect(table.stdout).toContain(key);
    expect(table.stdout).toContain('simulated failure for the CLI test');

    const listed = await cli('dlq', 'list', 'projector-mongo', '--json');
    expect(listed.code).toBe(0);
    const doc = JSON.parse(listed.stdout) as { parked: { key: string; parked: { failedVersion: number; view: string } }[] };
    expect(doc.parked).toEqual([expect.objectContaining({ key, parked: expect.objectContaining({ failedVersion: 1, view: 'product-details' }) })]);

    const replay = await cli('dlq', 'replay', 'projector-mongo', key);
    expect(replay.stderr).toBe('');
    expect(replay.code).toBe(0);
    expect(replay.stdout).toMatch(new RegExp(`^replayed\\s+${key.replace(/\|/g, '\\|')}: \\d+ event\\(s\\) applied`));
    const details = await db.collection(readModelCollection('product-details', 1)).findOne({ _id: readModelId(tenant, 'parked') as never });
    expect(details).toMatchObject({ name: 'Lamp', description: 'A desk lamp', price: 2599, availableStock: 7 });
    expect(JSON.parse((await cli('dlq', 'list', 'projector-mongo', '--json')).stdout)).toMatchObject({ parked: [] });
  });

  it('dlq replay of a stream that still fails keeps it parked and exits 1; dlq skip gets past it', async () => {
    const stream = product('broken');
    // A price change of a product that was never created: the details view cannot apply it.
    await store.append(stream, 0, [{ type: 'ProductPriceUpdated', data: { oldPrice: 1, newPrice: 2 } }, created], context);
    const key = streamKey(stream);
    await new StreamExceptions(db, 'projector-mongo').park(key, stream, { failedVersion: 1, view: 'product-details', reason: 'no document' }, []);

    const replay = await cli('dlq', 'replay', 'projector-mongo', '--all');
    expect(replay.code).toBe(1);
    expect(replay.stdout).toContain(`still failing   ${key}: at version 1`);
    expect(replay.stderr).toContain('1 of 1 stream(s) still failing');

    const skip = await cli('dlq', 'skip', 'projector-mongo', key);
    expect(skip.code).toBe(0);
    expect(skip.stdout).toContain(`replayed        ${key}: skipped version 1`);
    expect(await db.collection(readModelCollection('product-details', 1)).findOne({ _id: readModelId(tenant, 'broken') as never })).toMatchObject({ name: 'Lamp' });
  });

  it('usage errors exit 2 with a clear message and nothing on stdout', async () => {
    const result = await cli('dlq', 'list', 'projector-nope');
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('error: dlq list: unknown family "projector-nope"');
    const date = await cli('reset', 'projector-mongo', '--to', 'last tuesday');
    expect(date.code).toBe(2);
    expect(date.stderr).toContain('ISO-8601');
  });

  it('rebuild builds the next generation from the event store, switches to it and drops the old one', async () => {
    const stream = product('rebuilt');
    await store.append(stream, 0, [created], context);
    const result = await cli('rebuild', 'projector-mongo', '--json');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { generation: number; events: number; generations: { active: number; activeComplete: boolean; building?: unknown } };
    expect(report.generations).toMatchObject({ activeComplete: true });
    expect(report.generations.building).toBeUndefined();
    expect(report.events).toBeGreaterThanOrEqual(1);
    const active = report.generation;
    const details = await db.collection(readModelCollection('product-details', active)).findOne({ _id: readModelId(tenant, 'rebuilt') as never });
    expect(details).toMatchObject({ name: 'Lamp', price: 2599, version: 1 });
    expect(await db.listCollections({ name: readModelCollection('product-details', active - 1) }).toArray()).toEqual([]);
    expect(result.stderr).toMatch(/backfill/i);
  }, 60_000);

  it('reset --to latest moves the offsets of a group without members', async () => {
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: topics[0] as string, messages: [{ key: 'a', value: 'x' }, { key: 'b', value: 'y' }, { key: 'c', value: 'z' }] });
    await producer.disconnect();

    const result = await cli('reset', 'projector-mongo', '--to', 'latest');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`reset ${prefix}projector-mongo to latest`);
    const status = JSON.parse((await cli('status', 'projector-mongo', '--json')).stdout) as { families: { totalLag: number; partitions: { committed: number; end: number }[] }[] };
    const family = status.families[0];
    expect(family?.totalLag).toBe(0);
    expect(family?.partitions.every((p) => p.committed === p.end)).toBe(true);
  });
});
