import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** Pinned versions: bump here, nowhere else. */
export const versions = {
  kafka: '3.9.2',
  scala: '2.13',
  ferretdb: 'v1.24.2',
} as const;

const workspaceRoot = resolve(__dirname, '..', '..', '..');

function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${name} must be a TCP port, got "${raw}"`);
  return port;
}

/**
 * Where things live. Runtime state (data, logs, pid files) is per checkout under `.infra/`, so two
 * clones never mistake each other's servers for their own. Downloads and builds are safe to lose and
 * shared per user under the cache dir, so a fresh clone on the same machine starts warm.
 */
export function infraSettings() {
  const stateDir = resolve(process.env['INFRA_STATE_DIR'] ?? join(workspaceRoot, '.infra'));
  const cacheDir = resolve(
    process.env['INFRA_CACHE_DIR'] ?? join(process.env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'eventide-infra'),
  );
  return {
    workspaceRoot,
    stateDir,
    cacheDir,
    ports: {
      kafka: portFromEnv('INFRA_KAFKA_PORT', 19092),
      kafkaController: portFromEnv('INFRA_KAFKA_CONTROLLER_PORT', 19093),
      /** A second Kafka listener that advertises `kafkaFaultsProxy`, where a fault proxy forwards to it. */
      kafkaFaults: portFromEnv('INFRA_KAFKA_FAULTS_PORT', 19094),
      kafkaFaultsProxy: portFromEnv('INFRA_KAFKA_FAULTS_PROXY_PORT', 19095),
      mongo: portFromEnv('INFRA_MONGO_PORT', 17017),
      redis: portFromEnv('INFRA_REDIS_PORT', 16379),
    },
    kafkaHeap: process.env['INFRA_KAFKA_HEAP'] ?? '512m',
  };
}

export type InfraSettings = ReturnType<typeof infraSettings>;
