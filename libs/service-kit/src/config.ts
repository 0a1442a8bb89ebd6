import { kafkaEnv } from '@eventide/messaging';
import type { Dependency, ServiceDescriptor } from './service-catalogue';

/** The environment variable through which a service finds each dependency. */
export const dependencyEnv: Record<Dependency, 'KAFKA_BROKERS' | 'MONGO_URL' | 'REDIS_URL'> = {
  kafka: 'KAFKA_BROKERS',
  mongo: 'MONGO_URL',
  redis: 'REDIS_URL',
};

/** Variables every service may read besides its port and its dependencies. */
export const commonServiceEnv = [
  ...kafkaEnv.filter((name) => name !== 'KAFKA_BROKERS'),
  'API_KEYS', 'BIND_HOST', 'NODE_ENV', 'MONGO_DB', 'KAFKA_PARTITIONS', 'KAFKA_TOPIC_PREFIX', 'SNAPSHOT_EVERY', 'AGGREGATE_CACHE_SIZE', 'PUBLISHER_ENABLED', 'FULFILMENT_ENABLED', 'KAFKA_GROUP_PREFIX', 'PROJECTOR_CONCURRENCY', 'PROJECTOR_CHUNK_SIZE', 'PROJECTOR_ATTEMPTS', 'RATE_LIMIT_RPS', 'EVENTIDE_TRACE_FILE', 'OTEL_EXPORTER_OTLP_ENDPOINT'] as const;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export interface ServiceConfig {
  port: number;
  kafkaBrokers?: string[];
  mongoUrl?: string;
  redisUrl?: string;
}

function port(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65535) throw new ConfigError(`${name} must be a TCP port (1-65535), got "${raw}"`);
  return value;
}

function required(env: NodeJS.ProcessEnv, name: string, service: string): string {
  const value = env[name];
  if (!value) throw new ConfigError(`${service} needs ${name}; \`npm start\` sets it, or export it to point at your server`);
  return value;
}

/** Reads and checks a service's configuration once, at start-up, failing with the variable's name. */
export function readServiceConfig(descriptor: ServiceDescriptor, env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  const config: ServiceConfig = { port: port(env, descriptor.portEnv, descriptor.defaultPort) };
  for (const dependency of descriptor.needs) {
    const value = required(env, dependencyEnv[dependency], descriptor.name);
    if (dependency === 'kafka') config.kafkaBrokers = value.split(',').map((b) => b.trim()).filter(Boolean);
    if (dependency === 'mongo') config.mongoUrl = value;
    if (dependency === 'redis') config.redisUrl = value;
  }
  return config;
}

/** Parses `API_KEYS` (`key1=tenantA,key2=tenantB`) into a key -> tenant map. */
export function parseApiKeys(raw: string): Map<string, string> {
  const keys = new Map<string, string>();
  for (const entry of raw.split(',').map((e) => e.trim()).filter(Boolean)) {
    const separator = entry.indexOf('=');
    const key = entry.slice(0, separator).trim();
    const tenant = entry.slice(separator + 1).trim();
    if (separator <= 0 || !key || !tenant) throw new ConfigError(`API_KEYS entry "${entry}" is not key=tenant`);
    if (keys.has(key)) throw new ConfigError(`API_KEYS lists the key "${key.slice(0, 4)}…" twice`);
    keys.set(key, tenant);
  }
  return keys;
}
