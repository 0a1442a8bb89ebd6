import Redis from 'ioredis';
import type { Admin } from 'kafkajs';
import { MongoClient, type Db } from 'mongodb';
import { EventSchemaRegistry, MongoEventStore } from '@eventide/event-store';
import { eventSchemas } from '@eventide/domain';
import { createKafka, kafkaSettingsFromEnv } from '@eventide/messaging';
import type { ProjectionFamily } from '@eventide/projections';
import { referenceFamily } from '@eventide/read-side';

/** A server could not be reached or is not configured (exit code 1); says which one and where. */
export class ConnectionError extends Error {
  override readonly name = 'ConnectionError';
}

/** A connection string without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
  }
}

const reason = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * The CLI's connections, each opened on first use only (`stream` never touches Kafka) and all
 * closed by {@link CliContext.close}, so the process can exit.
 */
export class CliContext {
  private mongo: Promise<MongoClient> | undefined;
  private kafkaAdmin: Promise<Admin> | undefined;
  private redisClient: Promise<Redis> | undefined;
  /** A never-connected client for families that need a Redis object but no Redis I/O. */
  private idleRedis: Redis | undefined;
  private closers: (() => Promise<unknown>)[] = [];

  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  /** The MongoDB database (MONGO_URL, MONGO_DB), connected. */
  async db(): Promise<Db> {
    this.mongo ??= this.connectMongo();
    return (await this.mongo).db(this.env['MONGO_DB'] || 'eventide');
  }

  /** The event store, with the domain's event schemas (so events are read upcast). */
  async store(): Promise<MongoEventStore> {
    return new MongoEventStore(await this.db(), { schemas: new EventSchemaRegistry(eventSchemas) });
  }

  /** A connected Kafka admin client (KAFKA_BROKERS and the SASL/TLS variables). */
  admin(): Promise<Admin> {
    this.kafkaAdmin ??= this.connectKafka();
    return this.kafkaAdmin;
  }

  /** A connected Redis client (REDIS_URL). */
  redis(): Promise<Redis> {
    this.redisClient ??= this.connectRedis();
    return this.redisClient;
  }

  /**
   * A projection family by name. `withRedis`: connect Redis first (the Redis family's rebuild and
   * replay write to it); otherwise a Redis family gets an idle client, enough for its bookkeeping.
   */
  async family(name: string, options: { withRedis?: boolean } = {}): Promise<ProjectionFamily> {
    const db = await this.db();
    const store = await this.store();
    if (name !== 'projector-redis') return referenceFamily(name, { db, store });
    const redis = options.withRedis ? await this.redis() : this.idle();
    return referenceFamily(name, { db, store, redis });
  }

  /** Closes every connection opened so far (errors while closing are ignored). */
  async close(): Promise<void> {
    const closers = this.closers.reverse();
    this.closers = [];
    await Promise.all(closers.map((close) => close().catch(() => undefined)));
    this.idleRedis?.disconnect();
  }

  private idle(): Redis {
    if (!this.idleRedis) {
      this.idleRedis = new Redis(this.env['REDIS_URL'] || 'redis://127.0.0.1:6379', { lazyConnect: true, enableOfflineQueue: false });
      this.idleRedis.on('error', () => undefined);
    }
    return this.idleRedis;
  }

  private async connectMongo(): Promise<MongoClient> {
    const url = this.env['MONGO_URL'];
    if (!url) throw new ConnectionError('MONGO_URL is not set (the MongoDB connection string)');
    const client = new MongoClient(url, { serverSelectionTimeoutMS: 5000, connectTimeoutMS: 5000, appName: 'eventide-cli' });
    this.closers.push(() => client.close());
    try {
      await client.connect();
      await client.db('admin').command({ ping: 1 });
    } catch (error) {
      throw new ConnectionError(`cannot reach MongoDB at ${redactUrl(url)} (MONGO_URL): ${reason(error)}`);
    }
    return client;
  }

  private async connectKafka(): Promise<Admin> {
    let settings;
    try {
      settings = kafkaSettingsFromEnv('eventide-cli', this.env);
    } catch (error) {
      throw new ConnectionError(reason(error));
    }
    const admin = createKafka(settings).admin();
    this.closers.push(() => admin.disconnect());
    try {
      await admin.connect();
    } catch (error) {
      throw new ConnectionError(`cannot reach Kafka at ${settings.brokers.join(',')} (KAFKA_BROKERS): ${reason(error)}`);
    }
    return admin;
  }

  private async connectRedis(): Promise<Redis> {
    const url = this.env['REDIS_URL'];
    if (!url) throw new ConnectionError('REDIS_URL is not set (projector-redis writes its read models to Redis)');
    const redis = new Redis(url, { lazyConnect: true, connectTimeout: 5000, maxRetriesPerRequest: 3, retryStrategy: (times) => (times > 3 ? null : 200) });
    let lastError: unknown;
    redis.on('error', (error) => (lastError = error));
    this.closers.push(async () => (redis.status === 'ready' ? redis.quit() : redis.disconnect()));
    try {
      await redis.connect();
      await redis.ping();
    } catch (error) {
      throw new ConnectionError(`cannot reach Redis at ${redactUrl(url)} (REDIS_URL): ${reason(lastError ?? error)}`);
    }
    return redis;
  }
}
