// The commands pair's baseline: a bare Node http server that answers the same two routes as the
// command API with one insertOne of a commit document per request (no validation, no decide, no
// head check, no idempotency). Started as a child process: MONGO_URL, BENCH_DB, BENCH_TENANT, PORT.
import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { EventSchemaRegistry, toCommitDoc, type CommitDoc } from '@eventide/event-store';
import { STORE_WRITE_CONCERN, appendContext, productStream } from './write-load';

const env = (name: string): string => process.env[name] ?? (() => { throw new Error(`${name} is not set`); })();
const client = new MongoClient(env('MONGO_URL'));
const commits = client.db(env('BENCH_DB')).collection<CommitDoc>('events');
const tenant = env('BENCH_TENANT');
const schemas = new EventSchemaRegistry();
const versions = new Map<string, number>();

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    void (async () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      const restock = /^\/v1\/products\/([^/]+)\/restock$/.exec(request.url ?? '');
      const id = restock?.[1] ?? randomUUID();
      const version = (versions.get(id) ?? 0) + 1;
      versions.set(id, version);
      const event = restock ? { type: 'ProductRestocked', data: { quantity: body['quantity'], currentStock: 0 } } : { type: 'ProductCreated', data: body };
      const doc = toCommitDoc({ stream: productStream(tenant, id), fromVersion: version, events: [event], context: appendContext(id), committedAt: new Date(), partition: 0, schemas });
      await commits.insertOne(doc, { writeConcern: STORE_WRITE_CONCERN });
      response.writeHead(restock ? 200 : 201, { 'content-type': 'application/json' }).end(JSON.stringify({ id, version }));
    })().catch((error: unknown) => response.writeHead(500).end(String(error)));
  });
});

void client.connect().then(() =>
  server.listen(Number(env('PORT')), '127.0.0.1', () => process.stdout.write('listening\n')),
);
process.once('SIGTERM', () => {
  server.close();
  void client.close().then(() => process.exit(0));
});
