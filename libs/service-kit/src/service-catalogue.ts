/** The servers a service can depend on, named as the local infrastructure manager names them. */
export type Dependency = 'kafka' | 'mongo' | 'redis';

export interface ServiceDescriptor {
  /** Nx project name and directory under apps/. */
  readonly name: string;
  /** Environment variable that sets the HTTP port, and its default. */
  readonly portEnv: string;
  readonly defaultPort: number;
  /** Servers it must reach to be ready. */
  readonly needs: readonly Dependency[];
  /** Kafka consumer groups it joins, without the `KAFKA_GROUP_PREFIX`. */
  readonly consumerGroups: readonly string[];
  /** Readiness checks besides its servers, e.g. that a projector's consumer has joined its group. */
  readonly alsoReadyWhen?: readonly 'consumer'[];
  readonly summary: string;
}

/**
 * Every deployable service, in one place: the apps read their own entry, and `npm start`,
 * the test runner, docker-compose and the Kubernetes manifests are checked against it.
 */
export const serviceCatalogue = {
  'query-gateway': {
    name: 'query-gateway',
    portEnv: 'GATEWAY_PORT',
    defaultPort: 3000,
    needs: ['mongo', 'redis'],
    consumerGroups: [],
    summary: 'read API over the projections, history and temporal queries',
  },
  'command-service': {
    name: 'command-service',
    portEnv: 'COMMAND_PORT',
    defaultPort: 3001,
    needs: ['mongo', 'kafka'],
    consumerGroups: ['order-fulfilment'],
    summary: 'command API: validates, decides, appends to the event store',
  },
  'projector-mongo': {
    name: 'projector-mongo',
    portEnv: 'PROJECTOR_MONGO_PORT',
    defaultPort: 3002,
    needs: ['kafka', 'mongo'],
    consumerGroups: ['projector-mongo'],
    alsoReadyWhen: ['consumer'],
    summary: 'projects events into the MongoDB read models',
  },
  'projector-redis': {
    name: 'projector-redis',
    portEnv: 'PROJECTOR_REDIS_PORT',
    defaultPort: 3003,
    needs: ['kafka', 'redis', 'mongo'],
    consumerGroups: ['projector-redis'],
    alsoReadyWhen: ['consumer'],
    summary: 'projects events into the Redis read models',
  },
} as const satisfies Record<string, ServiceDescriptor>;

export type ServiceName = keyof typeof serviceCatalogue;

export const serviceNames = Object.keys(serviceCatalogue) as ServiceName[];

/** Paths every service answers. */
export const healthPaths = { live: '/health/live', ready: '/health/ready' } as const;
