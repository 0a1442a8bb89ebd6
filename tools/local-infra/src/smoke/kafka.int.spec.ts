import { Kafka, logLevel, type LogEntry, type EachMessagePayload } from 'kafkajs';
import { requireEnv, uniqueName } from './require-env';

describe('Kafka smoke test (real broker)', () => {
  const logs: LogEntry[] = [];
  const kafka = new Kafka({
    clientId: 'smoke',
    brokers: requireEnv('KAFKA_BROKERS').split(','),
    logLevel: logLevel.INFO,
    logCreator: () => (entry) => void logs.push(entry),
  });
  const topic = uniqueName('smoke');
  const groupId = uniqueName('smoke-group');
  const admin = kafka.admin();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });

  beforeAll(async () => {
    await admin.connect();
    await producer.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 1 }], waitForLeaders: true });
  });
  afterAll(async () => {
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
    await producer.disconnect();
  });

  async function consume(expected: number): Promise<{ keys: string[]; values: string[] }> {
    const consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 1000 });
    const keys: string[] = [];
    const values: string[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`consumed ${values.length} of ${expected} messages in 20 s`)), 20_000);
      void consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ topic: t, partition, message }: EachMessagePayload) => {
            keys.push(message.key?.toString() ?? '');
            values.push(message.value?.toString() ?? '');
            await consumer.commitOffsets([{ topic: t, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
            if (values.length === expected) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
    } finally {
      await consumer.disconnect();
    }
    return { keys, values };
  }

  it('produces idempotently with acks=all, consumes in a group, and resumes from committed offsets', async () => {
    const first = Array.from({ length: 10 }, (_, i) => ({ key: `order-${i % 4}`, value: `first-${i}` }));
    await producer.send({ topic, acks: -1, messages: first });

    const firstRun = await consume(10);
    expect(firstRun.values.sort()).toEqual(first.map((m) => m.value).sort());

    const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
    // A partition the group never read from reports -1.
    const committedTotal = committed[0]?.partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
    expect(committedTotal).toBe(10);

    // The same group must pick up only what arrived after its commits.
    await producer.send({ topic, acks: -1, messages: [{ key: 'order-9', value: 'second-0' }] });
    const secondRun = await consume(1);
    expect(secondRun.values).toEqual(['second-0']);
  });

  it('logged no protocol version the broker does not support', () => {
    const unsupported = logs.filter((entry) => /UNSUPPORTED_VERSION|not supported/i.test(JSON.stringify(entry.log)));
    expect(unsupported).toEqual([]);
    expect(logs.length).toBeGreaterThan(0);
  });
});
