import type { Admin } from 'kafkajs';
import { createKafka, kafkaSettingsFromEnv, type KafkaSettings } from '@eventide/messaging';
import { MongoClient } from 'mongodb';
import Redis from 'ioredis';
import type { ServiceConfig } from '../config';

/** One dependency the service needs to answer before it calls itself ready. */
export interface DependencyCheck {
  readonly name: string;
  /** Resolves when the dependency answers a real request; rejects otherwise. */
  check(): Promise<void>;
  close(): Promise<void>;
}

export function mongoCheck(url: string): DependencyCheck {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 2000, connectTimeoutMS: 2000, maxPoolSize: 2 });
  return {
    name: 'mongo',
    async check() {
      await client.db('admin').command({ ping: 1 });
    },
    close: () => client.close(),
  };
}

export function redisCheck(url: string): DependencyCheck {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2000, enableOfflineQueue: true });
  client.on('error', () => undefined); // surfaced through check(), not as an unhandled event
  return {
    name: 'redis',
    async check() {
      if (client.status === 'wait') await client.connect();
      const pong = await client.ping();
      if (pong !== 'PONG') throw new Error(`PING answered ${pong}`);
    },
    async close() {
      client.disconnect();
    },
  };
}

/** Asks the cluster for its brokers over the same TLS and SASL settings the service's own clients use. */
export function kafkaCheck(settings: KafkaSettings): DependencyCheck {
  const kafka = createKafka(settings, undefined, { connectionTimeout: 2000, requestTimeout: 3000, retry: { retries: 0 } });
  let admin: Admin | undefined;
  return {
    name: 'kafka',
    async check() {
      admin ??= kafka.admin();
      try {
        await admin.connect();
        const cluster = await admin.describeCluster();
        if (cluster.brokers.length === 0) throw new Error('no brokers in cluster metadata');
      } catch (error) {
        await admin.disconnect().catch(() => undefined);
        admin = undefined;
        throw error;
      }
    },
    async close() {
      await admin?.disconnect();
    },
  };
}

/** The checks for every dependency a service's configuration names. */
export function dependencyChecks(config: ServiceConfig, env: NodeJS.ProcessEnv = process.env): DependencyCheck[] {
  const checks: DependencyCheck[] = [];
  if (config.kafkaBrokers) checks.push(kafkaCheck({ ...kafkaSettingsFromEnv('readiness', env), brokers: config.kafkaBrokers }));
  if (config.mongoUrl) checks.push(mongoCheck(config.mongoUrl));
  if (config.redisUrl) checks.push(redisCheck(config.redisUrl));
  return checks;
}
