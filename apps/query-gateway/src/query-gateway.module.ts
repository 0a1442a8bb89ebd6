import { Inject, Logger, Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';
import { Redis } from 'ioredis';
import { MongoClient } from 'mongodb';
import { eventSchemas, redisReadModels } from '@eventide/domain';
import { AggregateRepository, EventSchemaRegistry, MongoEventStore, SnapshotStore } from '@eventide/event-store';
import { ActiveGenerations, GenerationRegistry } from '@eventide/projections';
import { familyNames } from '@eventide/read-side';
import { API_KEYS, apiKeysFromEnv, dependencyChecks, HealthModule, MetricsModule, ProblemDetailsFilter, type ServiceConfig } from '@eventide/service-kit';
import { ConsistencyWaiter } from './consistency/consistency-waiter';
import { ConsistentReadInterceptor } from './consistency/consistent-read';
import { mongoVersions, redisVersions } from './consistency/version-sources';
import { ReadModels } from './read-models/read-models';
import { gatewayControllers } from './routes';

/** The query gateway: read models over HTTP, with read-your-writes, audit history and time travel. */
@Module({})
export class QueryGatewayModule implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('QueryGateway');

  constructor(
    @Inject(ActiveGenerations) private readonly generations: ActiveGenerations,
    @Inject(ConsistencyWaiter) private readonly waiter: ConsistencyWaiter,
    @Inject(MongoClient) private readonly client: MongoClient,
    @Inject(Redis) private readonly redis: Redis,
  ) {}

  static register(config: ServiceConfig): DynamicModule {
    const client = new MongoClient(config.mongoUrl as string, { serverSelectionTimeoutMS: 5000 });
    const db = client.db(process.env['MONGO_DB'] ?? 'eventide');
    // Bounded: with Redis away, a Redis route answers 503 within about a second instead of hanging.
    const redis = new Redis(config.redisUrl as string, { maxRetriesPerRequest: 1, commandTimeout: 1000, connectTimeout: 2000 });
    redis.on('error', () => undefined); // surfaced as 503s and by readiness
    const subscriber = redis.duplicate();
    subscriber.on('error', () => undefined);
    const generations = new ActiveGenerations(new GenerationRegistry(db), Object.values(familyNames));
    const readModels = new ReadModels(db, redis, generations);
    const redisTypes = [...new Set(redisReadModels.map((p) => p.aggregateType))];
    const waiter = new ConsistencyWaiter([mongoVersions(readModels), redisVersions(readModels, redis, redisTypes)], subscriber, (family, gens) => gens.includes(generations.of(family)));
    const store = new MongoEventStore(db, { schemas: new EventSchemaRegistry(eventSchemas) });
    return {
      module: QueryGatewayModule,
      imports: [HealthModule.register(dependencyChecks(config)), MetricsModule],
      controllers: gatewayControllers,
      providers: [
        { provide: MongoClient, useValue: client },
        { provide: Redis, useValue: redis },
        { provide: ActiveGenerations, useValue: generations },
        { provide: ReadModels, useValue: readModels },
        { provide: ConsistencyWaiter, useValue: waiter },
        { provide: MongoEventStore, useValue: store },
        { provide: AggregateRepository, useValue: new AggregateRepository(store, { snapshots: new SnapshotStore(db), snapshotSchemas: { product: 1, order: 1 } }) },
        { provide: API_KEYS, useValue: apiKeysFromEnv(new Logger('ApiKeys')) },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        { provide: APP_INTERCEPTOR, useClass: ConsistentReadInterceptor },
      ],
    };
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.generations.start();
    await this.waiter.start();
    this.logger.log('reading the active generations; listening for projector progress');
  }

  async onApplicationShutdown(): Promise<void> {
    this.waiter.close();
    this.generations.stop();
    this.redis.disconnect();
    await this.client.close();
  }
}
