import { Logger, Module, type DynamicModule, type OnApplicationShutdown, type OnModuleInit, Inject } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { MongoClient, type Db } from 'mongodb';
import { AggregateRepository, EventSchemaRegistry, MongoEventStore, SnapshotStore } from '@eventide/event-store';
import { eventSchemas } from '@eventide/domain';
import { kafkaSettingsFromEnv, partitionForKey } from '@eventide/messaging';
import { API_KEYS, apiKeysFromEnv, dependencyChecks, HealthModule, MetricsModule, ProblemDetailsFilter, type ServiceConfig } from '@eventide/service-kit';
import { CommandExecutor } from './commands/command-executor';
import { IdempotencyStore } from './idempotency/idempotency.store';
import { OrderPricing } from './orders/order-pricing';
import { OrdersController } from './orders/orders.controller';
import { ProductsController } from './products/products.controller';
import { PublisherLifecycle } from './publishing/publisher.lifecycle';
import { PUBLISHER_NUDGE } from './publishing/publisher.tokens';
import { FulfilmentConsumer } from './fulfilment/fulfilment.consumer';
import { OrderFulfilment } from './fulfilment/order-fulfilment.process';

const MONGO_CLIENT = Symbol('MONGO_CLIENT');

function intFromEnv(name: string, fallback: number, min = 1): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isSafeInteger(value) || value < min) throw new Error(`${name} must be an integer of at least ${min}, got "${raw}"`);
  return value;
}

/** The command service: HTTP commands in, events appended to MongoDB, published to Kafka. */
@Module({})
export class CommandServiceModule implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('CommandService');

  constructor(
    @Inject(MONGO_CLIENT) private readonly client: MongoClient,
    private readonly store: MongoEventStore,
    private readonly idempotency: IdempotencyStore,
  ) {}

  static register(config: ServiceConfig): DynamicModule {
    const partitions = intFromEnv('KAFKA_PARTITIONS', 12);
    const client = new MongoClient(config.mongoUrl as string, { serverSelectionTimeoutMS: 5000 });
    const db: Db = client.db(process.env['MONGO_DB'] ?? 'eventide');
    const store = new MongoEventStore(db, { partitionOf: (id) => partitionForKey(id, partitions), schemas: new EventSchemaRegistry(eventSchemas) });
    const publishing = new PublisherLifecycle(store, db, kafkaSettingsFromEnv('command-service'), partitions, process.env['PUBLISHER_ENABLED'] !== 'false');
    // Bump a type's snapshot schema whenever its state's shape changes: old snapshots are then ignored.
    const repository = new AggregateRepository(store, {
      snapshots: new SnapshotStore(db),
      snapshotSchemas: { product: 1, order: 1 },
      snapshotEvery: intFromEnv('SNAPSHOT_EVERY', 50),
      cacheSize: intFromEnv('AGGREGATE_CACHE_SIZE', 10_000, 0),
    });
    const fulfilment = new FulfilmentConsumer(new OrderFulfilment(repository, () => publishing.publisher.notify()), {
      kafkaSettings: kafkaSettingsFromEnv('order-fulfilment'),
      partitions,
      enabled: process.env['FULFILMENT_ENABLED'] !== 'false',
    });
    const keys = apiKeysFromEnv(new Logger('ApiKeys'));
    return {
      module: CommandServiceModule,
      imports: [HealthModule.register(dependencyChecks(config)), MetricsModule],
      controllers: [ProductsController, OrdersController],
      providers: [
        { provide: MONGO_CLIENT, useValue: client },
        { provide: MongoEventStore, useValue: store },
        { provide: AggregateRepository, useValue: repository },
        { provide: IdempotencyStore, useValue: new IdempotencyStore(db) },
        { provide: PublisherLifecycle, useValue: publishing },
        { provide: PUBLISHER_NUDGE, useValue: () => publishing.publisher.notify() },
        { provide: FulfilmentConsumer, useValue: fulfilment },
        { provide: API_KEYS, useValue: keys },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        CommandExecutor,
        OrderPricing,
      ],
    };
  }

  async onModuleInit(): Promise<void> {
    await Promise.all([this.store.ensureIndexes(), this.idempotency.ensureIndexes()]);
    this.logger.log('event store and idempotency indexes are in place');
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }
}
