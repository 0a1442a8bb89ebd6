import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { createServer, type Server, type Socket } from 'node:net';
import { HealthModule } from './health.module';
import { kafkaCheck, mongoCheck, redisCheck, type DependencyCheck } from './dependency-checks';

function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run through \`npm test\`, which provisions the servers`);
  return value;
}

async function appWith(checks: DependencyCheck[]): Promise<{ app: INestApplication; url: string }> {
  const moduleRef = await Test.createTestingModule({ imports: [HealthModule.register(checks)] }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.listen(0, '127.0.0.1');
  return { app, url: await app.getUrl() };
}

describe('health endpoints against real servers', () => {
  it('is live and ready when Kafka, MongoDB and Redis all answer', async () => {
    const { app, url } = await appWith([
      kafkaCheck({ clientId: 'readiness', brokers: requireEnv('KAFKA_BROKERS').split(','), ssl: false }),
      mongoCheck(requireEnv('MONGO_URL')),
      redisCheck(requireEnv('REDIS_URL')),
    ]);
    try {
      expect((await fetch(`${url}/health/live`)).status).toBe(200);
      const ready = await fetch(`${url}/health/ready`);
      const body = (await ready.json()) as { status: string; checks: Record<string, { ok: boolean }> };
      expect(ready.status).toBe(200);
      expect(body.status).toBe('ready');
      expect(Object.keys(body.checks).sort()).toEqual(['kafka', 'mongo', 'redis']);
    } finally {
      await app.close();
    }
  });

  describe('given a dependency that does not answer', () => {
    let silent: Server;
    let silentPort: number;
    const sockets = new Set<Socket>();
    beforeAll(async () => {
      // Accepts connections and never replies: a hung server, not a refused port.
      silent = createServer((socket) => void sockets.add(socket));
      await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
      silentPort = (silent.address() as { port: number }).port;
    });
    afterAll(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((r) => silent.close(r));
    });

    it('stays live but answers /health/ready with a bounded 503 problem naming it', async () => {
      const { app, url } = await appWith([redisCheck(requireEnv('REDIS_URL')), mongoCheck(`mongodb://127.0.0.1:${silentPort}/?directConnection=true`)]);
      try {
        expect((await fetch(`${url}/health/live`)).status).toBe(200);
        const started = Date.now();
        const ready = await fetch(`${url}/health/ready`);
        expect(Date.now() - started).toBeLessThan(10_000);
        expect(ready.status).toBe(503);
        expect(ready.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(ready.headers.get('retry-after')).toBe('5');
        const problem = (await ready.json()) as { status: number; detail: string; checks: Record<string, { ok: boolean }> };
        expect(problem.status).toBe(503);
        expect(problem.detail).toBe('not ready: mongo did not answer');
        expect(problem.checks['redis']?.ok).toBe(true);
      } finally {
        await app.close();
      }
    });
  });
});
