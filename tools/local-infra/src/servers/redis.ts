import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Redis from 'ioredis';
import { runCommand, which } from '../run-command';
import type { InfraSettings } from '../settings';
import type { ManagedServer } from './managed-server';
import type { Progress } from '../log';

const POLICY_RC = '/usr/sbin/policy-rc.d';

/**
 * Installs Debian's redis-server. A policy-rc.d that answers 101 stops the package from starting a
 * system-wide Redis on 6379 that nobody asked for (the standard trick in containers).
 */
async function installRedis(progress: Progress): Promise<void> {
  if (process.getuid?.() !== 0) {
    throw new Error('redis-server is not installed and installing it needs root (apt-get); install it, or set REDIS_URL');
  }
  const apt = { progress, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } };
  const ownPolicy = !existsSync(POLICY_RC);
  if (ownPolicy) await writeFile(POLICY_RC, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
  try {
    progress.info('installing redis-server from Debian (apt-get)');
    await runCommand('apt-get', ['update', '-q'], { ...apt, activity: 'apt-get update' });
    await runCommand('apt-get', ['install', '-y', '-q', '--no-install-recommends', 'redis-server'], {
      ...apt,
      activity: 'installing redis-server',
      echo: (line) => (/^(Get|Setting up|Unpacking)/.test(line) ? line.slice(0, 100) : undefined),
    });
  } finally {
    if (ownPolicy) await rm(POLICY_RC, { force: true });
  }
}

/** Redis from Debian's package, on loopback, with AOF so acknowledged writes survive a restart. */
export function redisServer(settings: InfraSettings): ManagedServer {
  const port = settings.ports.redis;
  const dir = join(settings.stateDir, 'redis');
  const config = join(dir, 'redis.conf');

  return {
    name: 'redis',
    envVar: 'REDIS_URL',
    port,
    localUrl: `redis://127.0.0.1:${port}`,
    readyTimeoutMs: 30_000,
    stopGraceMs: 10_000,
    async prepare(progress) {
      let binary = await which('redis-server');
      if (!binary) {
        await installRedis(progress);
        binary = await which('redis-server');
        if (!binary) throw new Error('redis-server is still not on PATH after apt-get install');
      }
      await mkdir(join(dir, 'data'), { recursive: true });
      await writeFile(
        config,
        [
          `port ${port}`,
          'bind 127.0.0.1',
          'protected-mode yes',
          'daemonize no',
          `dir ${join(dir, 'data')}`,
          'appendonly yes',
          'appendfsync everysec',
          'save ""',
          'logfile ""',
          // Keeps our config path in the process title, which is how we recognise our own server.
          'proc-title-template "{title} {listen-addr} {config-file}"',
          '',
        ].join('\n'),
      );
      return { description: `Redis (${binary})`, command: binary, cwd: dir, args: [config] };
    },
    async probe(url) {
      const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 2000, retryStrategy: () => null });
      client.on('error', () => undefined);
      try {
        await client.connect();
        const pong = await client.ping();
        if (pong !== 'PONG') throw new Error(`PING answered ${pong}`);
      } finally {
        client.disconnect();
      }
    },
  };
}
