// A publisher in its own process, for the crash test: it publishes, and with HANG_AFTER_PUBLISH=1
// never marks anything published, so a kill -9 lands exactly between "sent to Kafka" and "marked".
import { MongoClient } from 'mongodb';
import { MongoEventStore } from '@eventide/event-store';
import { createKafka, MongoLease, OutboxPublisher, topicFor } from '../index';

async function main() {
  const env = (name: string) => {
    const value = process.env[name];
    if (!value) throw new Error(`${name} is required`);
    return value;
  };
  const client = await MongoClient.connect(env('MONGO_URL'));
  const db = client.db(env('TEST_DB'));
  const store = new MongoEventStore(db);
  const hang = process.env['HANG_AFTER_PUBLISH'] === '1';
  const publisher = new OutboxPublisher({
    outbox: {
      findPending: (limit) => store.findPending({ limit }),
      markPublished: (ids) => (hang ? new Promise<void>(() => undefined) : store.markPublished(ids)),
    },
    kafka: createKafka({ brokers: env('KAFKA_BROKERS').split(','), clientId: 'publisher-runner', ssl: false }),
    lease: new MongoLease(db.collection('leases'), 'outbox-publisher', `runner-${process.pid}`, Number(env('LEASE_TTL_MS'))),
    topicFor: (type) => topicFor(type, env('TOPIC_PREFIX')),
    transactionalId: env('TRANSACTIONAL_ID'),
    batchSize: 50,
  });
  publisher.start();
  process.stdout.write('started\n');
}

void main();
