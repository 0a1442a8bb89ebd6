import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { freePort, infraSettings, startSecuredKafka, type SecuredKafka } from '@eventide/local-infra';
import { assessReadiness, dependencyChecks, healthPaths, readServiceConfig, serviceCatalogue } from '@eventide/service-kit';
import { buildApps, imageDir } from './nx';
import { startService, stopServices, waitReady, type RunningService } from './stack';

// A real service from the image tree, given only the environment a deployment would set, against
// a broker that speaks nothing but SASL over TLS and mutual TLS (tools/local-infra's secured
// broker). Its readiness needs Kafka's answer and its consumer in its group, both over SCRAM and TLS.
// It uses its own database, group prefix, port, log and trace files, so the running stack sees none of it.
const mongoUrl = process.env['MONGO_URL'];
const database = `secured-kafka-${randomBytes(4).toString('hex')}`;
let broker: SecuredKafka;
let logDir: string;
const services: RunningService[] = [];

beforeAll(async () => {
  if (!mongoUrl) throw new Error('MONGO_URL is not set: run this through `npm test`, or export it (`eval "$(npm run -s infra -- env)"`)');
  if (!existsSync(join(infraSettings().workspaceRoot, imageDir, 'run.js')) && (await buildApps()) !== 0) throw new Error('building the services failed');
  logDir = await mkdtemp(join(tmpdir(), 'eventide-secured-service-'));
  broker = await startSecuredKafka();
}, 120_000);

afterAll(async () => {
  await stopServices(services);
  await broker?.stop();
  if (mongoUrl) {
    const client = new MongoClient(mongoUrl);
    await client.db(database).dropDatabase().catch(() => undefined);
    await client.close();
  }
  if (logDir) await rm(logDir, { recursive: true, force: true });
}, 60_000);

async function projectorWith(password: string): Promise<RunningService> {
  const service = await startService(
    'projector-mongo',
    {
      KAFKA_BROKERS: broker.saslSslBroker,
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA_FILE: broker.tls.caFile,
      KAFKA_SASL_MECHANISM: 'SCRAM-SHA-256',
      KAFKA_SASL_USERNAME: broker.scramUser.username,
      KAFKA_SASL_PASSWORD: password,
      KAFKA_PARTITIONS: '2',
      KAFKA_GROUP_PREFIX: `${database}-${password === broker.scramUser.password ? 'right' : 'wrong'}-`,
      MONGO_URL: mongoUrl,
      MONGO_DB: database,
      PROJECTOR_MONGO_PORT: String(await freePort()),
      EVENTIDE_TRACE_FILE: join(logDir, 'traces.jsonl'),
    },
    { echo: false, logDir: join(logDir, password === broker.scramUser.password ? 'right' : 'wrong') },
  );
  services.push(service);
  return service;
}

type Env = Record<string, string>;

/** What a service's /health/ready would say about Kafka with this environment, without starting one. */
async function readiness(env: Env) {
  const config = readServiceConfig({ ...serviceCatalogue['projector-mongo'], needs: ['kafka'] }, env);
  const checks = dependencyChecks(config, env);
  try {
    return await assessReadiness(checks, 8000);
  } finally {
    await Promise.all(checks.map((c) => c.close().catch(() => undefined)));
  }
}

const scramEnv = (password: string): Env => ({
  KAFKA_BROKERS: broker.saslSslBroker,
  KAFKA_SSL: 'true',
  KAFKA_SSL_CA_FILE: broker.tls.caFile,
  KAFKA_SASL_MECHANISM: 'SCRAM-SHA-256',
  KAFKA_SASL_USERNAME: broker.scramUser.username,
  KAFKA_SASL_PASSWORD: password,
});

describe('readiness checks against a Kafka that demands SASL or a client certificate over TLS', () => {
  it('given the right settings, then Kafka is ready; given a wrong password or an untrusted CA, then it is not, with the reason', async () => {
    expect(await readiness(scramEnv(broker.scramUser.password))).toMatchObject({ ready: true, checks: { kafka: { ok: true } } });
    const mutualTls = { KAFKA_BROKERS: broker.mutualTlsBroker, KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: broker.tls.caFile, KAFKA_SSL_CERT_FILE: broker.tls.clientCertFile, KAFKA_SSL_KEY_FILE: broker.tls.clientKeyFile };
    expect(await readiness(mutualTls)).toMatchObject({ ready: true });

    const wrongPassword = await readiness(scramEnv('wrong-password'));
    expect(wrongPassword).toMatchObject({ ready: false, checks: { kafka: { ok: false } } });
    expect(wrongPassword.checks['kafka']?.error).toMatch(/Authentication failed/);
    const untrusted = { ...scramEnv(broker.scramUser.password), KAFKA_SSL_CA_FILE: broker.tls.otherCaFile };
    expect(await readiness(untrusted)).toMatchObject({ ready: false, checks: { kafka: { ok: false } } });
  }, 30_000);
});

describe('a service against a Kafka that demands SCRAM over TLS', () => {
  it('given the right credentials and CA, when projector-mongo starts from the image, then /health/ready answers 200', async () => {
    const service = await projectorWith(broker.scramUser.password);
    await waitReady(service, 45_000);
    const body = (await (await fetch(`${service.url}${healthPaths.ready}`)).json()) as { checks: Record<string, { ok: boolean }> };
    expect(body.checks).toMatchObject({ kafka: { ok: true }, consumer: { ok: true }, mongo: { ok: true } });
  }, 60_000);

  it('given a wrong password, when it starts, then it stays live but /health/ready answers 503 naming the authentication failure', async () => {
    const service = await projectorWith('wrong-password');
    const deadline = Date.now() + 30_000;
    let last = 'no answer';
    while (Date.now() < deadline) {
      const response = await fetch(`${service.url}${healthPaths.ready}`, { signal: AbortSignal.timeout(5000) }).catch((error: unknown) => String(error));
      if (typeof response !== 'string') {
        const body = (await response.json()) as { checks?: Record<string, { ok: boolean; error?: string }> };
        last = `${response.status} ${JSON.stringify(body)}`;
        if (response.status === 503 && body.checks?.['kafka']?.error) {
          expect(body.checks['kafka']).toMatchObject({ ok: false, error: expect.stringMatching(/Authentication failed/) });
          expect(body.checks['mongo']).toMatchObject({ ok: true });
          expect((await fetch(`${service.url}${healthPaths.live}`)).status).toBe(200);
          return;
        }
        expect(response.status).not.toBe(200);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`no 503 naming Kafka within 30 s; last: ${last}`);
  }, 45_000);
});
