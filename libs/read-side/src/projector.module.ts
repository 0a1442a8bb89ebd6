import { Inject, Logger, Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { MongoClient, type Db } from 'mongodb';
import { eventSchemas } from '@eventide/domain';
import { EventSchemaRegistry, MongoEventStore } from '@eventide/event-store';
import { createKafka, kafkaSettingsFromEnv, keepTrying, prepareTopics } from '@eventide/messaging';
import { encodeProgress, LiveProjection, progressChannel, ProjectionFamily, type AppliedProgress, type ProjectionFamilyDefinition } from '@eventide/projections';
import { dependencyChecks, HealthModule, MetricsModule, type DependencyCheck, type ServiceConfig } from '@eventide/service-kit';
import { positiveIntFromEnv, projectorSettingsFromEnv } from './projector-settings';

const LIVE = Symbol('LIVE_PROJECTION');
const CLOSE = Symbol('CLOSE_CONNECTIONS');
const ENSURE_TOPICS = Symbol('ENSURE_TOPICS');

/** What a projector service needs to build its family. */
export interface ProjectorConnections {
  db: Db;
  redis?: Redis;
}

/** Readiness of the consumer itself: joined to its group and not stuck retrying a failing server. */
function consumerCheck(live: LiveProjection): DependencyCheck {
  return {
    name: 'consumer',
    async check() {
      const status = live.status();
      if (!status.ready) throw new Error(`consumer is ${status.state}${status.lastError ? `: ${status.lastError}` : ''}`);
    },
    close: async () => undefined,
  };
}

/**
 * A projector service: one projection family, one Kafka consumer group. Replicas share the
 * group's partitions (those beyond the partition count idle). It is ready once its consumer has
 * joined the group and its servers answer; on SIGTERM it finishes the chunk in hand, commits and
 * leaves the group before the process exits.
 */
@Module({})
export class ProjectorModule implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Projector');
  private starting: Promise<void> | undefined;
  private stopping = false;

  constructor(
    @Inject(LIVE) private readonly live: LiveProjection,
    @Inject(CLOSE) private readonly close: () => Promise<void>,
    @Inject(ENSURE_TOPICS) private readonly ensureTopics: () => Promise<void>,
  ) {}

  static register(config: ServiceConfig, family: (connections: ProjectorConnections) => ProjectionFamilyDefinition): DynamicModule {
    const settings = projectorSettingsFromEnv();
    const client = new MongoClient(config.mongoUrl as string, { serverSelectionTimeoutMS: 5000 });
    const db = client.db(process.env['MONGO_DB'] ?? 'eventide');
    const redis = config.redisUrl ? new Redis(config.redisUrl, { maxRetriesPerRequest: 3, enableAutoPipelining: false }) : undefined;
    redis?.on('error', () => undefined); // surfaced by readiness and by retried chunks
    // Announcements wake gateway requests waiting for their own write; a projector that does not
    // keep its models in Redis still announces there when REDIS_URL is given (optional).
    const announcerUrl = config.redisUrl ?? process.env['REDIS_URL'];
    const announcer = announcerUrl ? new Redis(announcerUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false }) : undefined;
    announcer?.on('error', () => undefined);
    const schemas = new EventSchemaRegistry(eventSchemas);
    const store = new MongoEventStore(db, { schemas });
    const definition = family({ db, ...(redis ? { redis } : {}) });
    const projection = new ProjectionFamily({ definition, db, store, schemas });
    // Static Logger calls resolve the application's (JSON) logger when they run; an instance made
    // here, before the application exists, would keep Nest's default text logger for good.
    const log = (level: 'log' | 'warn' | 'error', message: string) => Logger[level](message, definition.name);
    const kafka = createKafka(kafkaSettingsFromEnv(definition.name), log);
    const live = new LiveProjection(projection, {
      kafka,
      ...settings,
      log,
      ...(announcer ? { onApplied: (progress: AppliedProgress) => void announcer.publish(progressChannel(progress.family), encodeProgress(progress)).catch(() => undefined) } : {}),
    });
    const partitions = positiveIntFromEnv('KAFKA_PARTITIONS', 12);
    const ensure = () => prepareTopics(kafka, [...projection.topics, projection.deadLetterTopic], partitions, log);
    return {
      module: ProjectorModule,
      imports: [HealthModule.register([...dependencyChecks(config), consumerCheck(live)]), MetricsModule],
      providers: [
        { provide: LIVE, useValue: live },
        { provide: ENSURE_TOPICS, useValue: ensure },
        {
          provide: CLOSE,
          useValue: async () => {
            redis?.disconnect();
            announcer?.disconnect();
            await client.close();
          },
        },
      ],
    };
  }

  /** Starts consuming in the background: a server that is down delays readiness, not start-up. */
  onApplicationBootstrap(): void {
    this.starting = this.startWithRetry();
  }

  private async startWithRetry(): Promise<void> {
    const start = async () => {
      await this.ensureTopics();
      try {
        await this.live.start();
      } catch (error) {
        await this.live.consumer.stop().catch(() => undefined);
        throw error;
      }
      this.logger.log(`consuming ${this.live.family.topics.join(', ')} as group ${this.live.family.groupId}`);
    };
    await keepTrying('start consuming', start, () => this.stopping, (level, message) => this.logger[level](message));
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.starting?.catch(() => undefined);
    await this.live.stop().catch((error: unknown) => this.logger.warn(`stop: ${String(error)}`));
    await this.close();
  }
}
