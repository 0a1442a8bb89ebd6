import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, release, totalmem, type as osType } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { MongoClient } from 'mongodb';
import { infraSettings, versions as pinned } from '@eventide/local-infra';
import type { Environment } from './report';

const { workspaceRoot } = infraSettings();

function packageVersion(name: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(join(workspaceRoot, 'node_modules', name, 'package.json'), 'utf8')) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

async function mongoServer(url: string): Promise<string> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 5000 });
  try {
    const info = await client.db('admin').command({ buildInfo: 1 });
    return typeof info['ferretdbVersion'] === 'string' ? `FerretDB ${info['ferretdbVersion']} (MongoDB wire ${String(info['version'])})` : `MongoDB ${String(info['version'])}`;
  } finally {
    await client.close();
  }
}

async function redisServer(url: string): Promise<string> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    const info = await redis.info('server');
    return /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
  } finally {
    redis.disconnect();
  }
}

/** Machine, versions and commit of this run; a version that cannot be found is reported as unknown. */
export async function environment(profile: Environment['profile'], command: string, urls: { mongoUrl: string; redisUrl: string }): Promise<Environment> {
  const cpu = cpus();
  let gitCommit = 'unknown';
  try {
    gitCommit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: workspaceRoot, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: workspaceRoot, encoding: 'utf8' }).trim();
    if (dirty) gitCommit += ' (with uncommitted changes)';
  } catch {
    // not a git checkout
  }
  const versions: Record<string, string> = {
    node: process.version,
    kafka: process.env['KAFKA_BROKERS_VERSION'] ?? `${pinned.kafka} (local-infra pin)`,
    mongo: await mongoServer(urls.mongoUrl).catch(() => `unknown (local-infra pins FerretDB ${pinned.ferretdb})`),
    redis: await redisServer(urls.redisUrl).catch(() => 'unknown'),
  };
  for (const name of ['mongodb', 'kafkajs', 'ioredis', '@event-driven-io/emmett-mongodb']) {
    versions[name] = packageVersion(name) ?? 'unknown';
  }
  return {
    date: new Date().toISOString(),
    profile,
    command,
    gitCommit,
    machine: { cpu: cpu[0]?.model ?? 'unknown', cores: cpu.length, memoryBytes: totalmem(), os: `${osType()} ${release()}` },
    versions,
  };
}
