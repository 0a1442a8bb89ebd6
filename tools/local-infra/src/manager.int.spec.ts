import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { down, status, up } from './manager';
import { isAlive } from './processes';
import { isPortOpen } from './ports';
import { infraSettings, type InfraSettings } from './settings';

// Exercises the manager itself with Redis (the quickest server to start) in a throwaway state dir
// on a free port, so it never touches the servers the rest of the suite uses.
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

function settingsWith(stateDir: string, redisPort: number): InfraSettings {
  const base = infraSettings();
  return { ...base, stateDir, ports: { ...base.ports, redis: redisPort } };
}

describe('local infrastructure manager', () => {
  const savedRedisUrl = process.env['REDIS_URL'];
  let stateDir: string;

  beforeEach(() => {
    stateDir = mkdtempSync(join(tmpdir(), 'infra-test-'));
    delete process.env['REDIS_URL'];
  });
  afterEach(() => {
    process.env['REDIS_URL'] = savedRedisUrl;
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('starts a server, reuses it on a second up, and stops it by pid', async () => {
    const settings = settingsWith(stateDir, await freePort());
    const first = await up(settings, ['redis']);
    try {
      expect(first.started).toEqual(['redis']);
      expect(first.env.REDIS_URL).toBe(`redis://127.0.0.1:${settings.ports.redis}`);

      const second = await up(settings, ['redis']);
      expect(second.started).toEqual([]);
      expect(second.env).toEqual(first.env);

      const [redis] = (await status(settings)).filter((s) => s.name === 'redis');
      expect(redis).toMatchObject({ state: 'running', ready: true });
    } finally {
      expect(await down(settings, ['redis'])).toEqual(['redis']);
    }
    expect(await isPortOpen(settings.ports.redis)).toBe(false);
  });

  it('refuses a port held by a process it did not start, and names that process', async () => {
    const port = await freePort();
    const squatter: Server = createServer();
    await new Promise<void>((r) => squatter.listen(port, '127.0.0.1', r));
    try {
      await expect(up(settingsWith(stateDir, port), ['redis'])).rejects.toThrow(
        new RegExp(`port ${port} is held by pid ${process.pid} \\(node\\), which this checkout did not start`),
      );
    } finally {
      await new Promise((r) => squatter.close(r));
    }
  });

  it('never stops a process it did not start, even when a pid file names it', async () => {
    const settings = settingsWith(stateDir, await freePort());
    const stranger = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      const pid = stranger.pid as number;
      const pidFile = join(stateDir, 'redis', 'pid.json');
      mkdirSync(join(stateDir, 'redis'), { recursive: true });
      writeFileSync(pidFile, JSON.stringify({ pid, port: settings.ports.redis, command: 'sleep', startedAt: '', logFile: '' }));
      expect(await down(settings, ['redis'])).toEqual([]);
      expect(isAlive(pid)).toBe(true);
    } finally {
      stranger.kill('SIGKILL');
    }
  });

  it('starts nothing and uses the given server when its variable is set', async () => {
    process.env['REDIS_URL'] = savedRedisUrl;
    const settings = settingsWith(stateDir, await freePort());
    const result = await up(settings, ['redis']);
    expect(result).toMatchObject({ started: [], env: { REDIS_URL: savedRedisUrl } });
    expect(await isPortOpen(settings.ports.redis)).toBe(false);
  });

  it('fails, naming the server, when the given server does not answer', async () => {
    process.env['REDIS_URL'] = `redis://127.0.0.1:${await freePort()}`;
    await expect(up(settingsWith(stateDir, await freePort()), ['redis'])).rejects.toThrow(/redis at redis:\/\/127\.0\.0\.1:\d+ was not ready/);
  }, 30_000);
});
