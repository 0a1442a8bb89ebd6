// A projector replica in its own process, for the crash and rebalance tests: both test families
// (MongoDB and Redis) in one consumer each, stopped gracefully on SIGTERM, or killed with -9.
import Redis from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { MongoEventStore } from '@eventide/event-store';
import { topicFor } from '@eventide/messaging';
import { deadLetterTopic } from '../dead-letters';
import { mongoFamily, redisFamily } from '../families';
import { LiveProjection } from '../live-projection';
import { ProjectionFamily } from '../projection-family';
import { itemLog, itemTotals } from './test-projections';

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

async function main() {
  const client = await MongoClient.connect(env('MONGO_URL'));
  const db = client.db(env('TEST_DB'));
  const redis = new Redis(env('REDIS_URL'));
  const store = new MongoEventStore(db);
  const prefix = env('TOPIC_PREFIX');
  const kafka = new Kafka({ clientId: `runner-${process.pid}`, brokers: env('KAFKA_BROKERS').split(','), logLevel: logLevel.NOTHING });
  const definitions = [mongoFamily(env('MONGO_FAMILY'), db, [itemLog]), redisFamily(env('REDIS_FAMILY'), redis, db, [itemTotals])];
  const lives = definitions.map(
    (definition) =>
      new LiveProjection(
        new ProjectionFamily({ definition, db, store, groupId: `${prefix}${definition.name}`, topicFor: (t) => topicFor(t, prefix), deadLetterTopic: deadLetterTopic(definition.name, prefix) }),
        { kafka, refreshMs: 200, chunkSize: Number(process.env['CHUNK_SIZE'] ?? 25), concurrency: 2 },
      ),
  );
  process.on('SIGTERM', () => {
    void Promise.all(lives.map((l) => l.stop())).then(async () => {
      redis.disconnect();
      await client.close();
      process.stdout.write('stopped\n');
      process.exit(0);
    });
  });
  await Promise.all(lives.map((l) => l.start()));
  process.stdout.write('started\n');
}

void main();
