// Command-to-visible latency: POST a product to the command service, then GET it from the gateway with
// the command's X-Consistency-Token (read-your-writes: the gateway waits until projector-mongo applied
// it), at 25, 50 and 75% of the maximum end-to-end rate measured in setup, against the floor: one Kafka
// produce-consume round trip plus one MongoDB insertOne, at the same rate. The value compared is p99.
import { Agent } from 'node:http';
import type { Consumer, Kafka, Producer } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { ensureTopics } from '@eventide/messaging';
import { timedWorkers } from '../harness/load';
import type { BenchContext, BenchPair, PairFactory, Sample } from '../harness/pair';
import { percentiles } from '../harness/stats';
import { getJson } from './support/proc';
import { kafkaOf, sleep } from './support/read-load';
import { atRate, createProduct, startStack, type Stack } from './support/stack';
import { STORE_WRITE_CONCERN } from './write-load';

const REDIS_DB = 11;
const seconds = (profile: BenchContext['profile']) => (profile === 'quick' ? 1 : 3);

function summary(latencies: number[], failures: number): Sample {
  if (failures > latencies.length / 100) throw new Error(`${failures} of ${failures + latencies.length} requests failed`);
  const latency = percentiles(latencies);
  return { value: latency.p99, latency, operations: latencies.length, counters: { failed: failures } };
}

/** Creates a product, then reads it with the command's consistency token until the gateway answers 200 (it waits, or 504s and is asked again). */
async function visible(agent: Agent, stack: Stack, n: number, tries: number): Promise<void> {
  const gateway = stack.services['query-gateway']?.url ?? '';
  const { id, token } = await createProduct(agent, stack, n);
  for (let i = 0; ; i++) {
    const answer = await getJson(agent, `${gateway}/v1/products/${id}`, { 'x-api-key': stack.key, 'x-consistency-token': token });
    if (answer.status === 200) return;
    if (i >= tries) throw new Error(`the gateway answered ${answer.status}: ${answer.text.slice(0, 200)}`);
  }
}

function latencyPair(profile: BenchContext['profile'], fraction: number): BenchPair {
  let ctx: BenchContext | undefined;
  let stack: Stack | undefined;
  let kafka: Kafka | undefined;
  let producer: Producer | undefined;
  let consumer: Consumer | undefined;
  let mongo: MongoClient | undefined;
  let rate = 0;
  let created = 0;
  let sent = 0;
  const waiting = new Map<string, () => void>();
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  return {
    id: `latency-${Math.round(fraction * 100)}pct`,
    group: 'latency',
    title: `command to visible through the gateway's consistency token, p99, at ${Math.round(fraction * 100)}% of the maximum end-to-end rate`,
    unit: 'ms (p99)',
    higherIsBetter: false,
    baselineLabel: 'one kafkajs produce-consume round trip + one insertOne, same rate',
    async setup(context) {
      ctx = context;
      stack = await startStack(context, ['command-service', 'projector-mongo', 'query-gateway'], REDIS_DB);
      const s = stack;
      // The maximum: 16 creates in flight for a few seconds. They are accepted faster than they are
      // published and projected, so the burst leaves a backlog; one more command visible means it is
      // gone. The maximum the whole path sustains is the burst's commands over the burst and the
      // drain together: the acceptance rate alone would put 25% already past what the publisher and
      // projector keep up with, and measure a growing queue instead of latency.
      const max = await timedWorkers(16, profile === 'quick' ? 2 : 3, async () => {
        await createProduct(agent, s, ++created);
        return 1;
      });
      const drained = performance.now();
      await visible(agent, s, ++created, 600);
      const drainSeconds = (performance.now() - drained) / 1000;
      const sustained = max.operations / (max.elapsedSeconds + drainSeconds);
      rate = Math.max(1, sustained * fraction);
      context.log(`accepted ${max.value.toFixed(0)} commands/s, backlog drained in ${drainSeconds.toFixed(1)} s: maximum end to end ${sustained.toFixed(1)}/s; measuring at ${rate.toFixed(1)}/s`);
      // The floor's own topic, consumer and collection.
      mongo = await MongoClient.connect(context.mongoUrl);
      const floor = mongo.db(`${context.dbName}-floor`).collection('floor');
      kafka = kafkaOf(context, 'bench-latency');
      const admin = kafka.admin();
      await admin.connect();
      const topic = `${context.topicPrefix}floor`;
      await ensureTopics(admin, [topic], 12, 1);
      await admin.disconnect();
      producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      consumer = kafka.consumer({ groupId: `${context.topicPrefix}floor`, maxWaitTimeInMs: 100 });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: false });
      await consumer.run({
        eachMessage: async ({ message }) => {
          const key = message.key?.toString() ?? '';
          await floor.insertOne({ _id: key as never, value: message.value?.toString() }, { writeConcern: STORE_WRITE_CONCERN });
          waiting.get(key)?.();
        },
      });
      // Until the consumer is assigned and answering.
      const p = producer;
      for (let ready = false; !ready; ) {
        const key = `warm-${++sent}`;
        const seen = new Promise<boolean>((resolve) => waiting.set(key, () => resolve(true)));
        await p.send({ topic, acks: -1, messages: [{ key, value: 'warm' }] });
        ready = await Promise.race([seen, sleep(2000).then(() => false)]);
        if (!ready) await sleep(500);
      }
    },
    async ours() {
      const s = stack;
      if (!s) throw new Error('setup did not run');
      const { latencies, failures } = await atRate(rate, seconds(profile), () => visible(agent, s, ++created, 20));
      return summary(latencies, failures);
    },
    async baseline() {
      const p = producer;
      if (!p || !ctx) throw new Error('setup did not run');
      const topic = `${ctx.topicPrefix}floor`;
      const { latencies, failures } = await atRate(rate, seconds(profile), async () => {
        const key = `m-${++sent}`;
        const seen = new Promise<void>((resolve) => waiting.set(key, resolve));
        await p.send({ topic, acks: -1, messages: [{ key, value: JSON.stringify({ name: 'Bench lamp', price: 19.99, quantity: 10 }) }] });
        await seen;
        waiting.delete(key);
      });
      return summary(latencies, failures);
    },
    async teardown() {
      agent.destroy();
      await consumer?.disconnect().catch(() => undefined);
      await producer?.disconnect().catch(() => undefined);
      if (mongo && ctx) await mongo.db(`${ctx.dbName}-floor`).dropDatabase().catch(() => undefined);
      await mongo?.close();
      await stack?.stop();
    },
  };
}

export const pairs: PairFactory = (profile) => [0.25, 0.5, 0.75].map((fraction) => latencyPair(profile, fraction));
