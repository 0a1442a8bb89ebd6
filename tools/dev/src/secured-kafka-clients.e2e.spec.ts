import { randomBytes } from 'node:crypto';
import type { KafkaConfig } from 'kafkajs';
import { createKafka, kafkaSettingsFromEnv } from '@eventide/messaging';
import { startSecuredKafka, type SecuredKafka } from '@eventide/local-infra';

// The services reach Kafka only through kafkaSettingsFromEnv + createKafka, so these tests give
// them nothing but the environment a deployment would set, against a real broker that has no
// plaintext client listener: SASL_SSL (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512) and SSL with a required client certificate.
// What a service's readiness says about such a broker, and a service started against it, are in
// secured-kafka.e2e.spec.ts. (These live in tools/dev, not beside the fixture: local-infra imports no library.)
type Env = Record<string, string>;

/** Short timeouts and no retries, so a refusal shows as an error in seconds, never as a hang. */
const bounded: Pick<KafkaConfig, 'connectionTimeout' | 'requestTimeout' | 'retry'> = { connectionTimeout: 3000, requestTimeout: 5000, retry: { retries: 0 } };

let broker: SecuredKafka;

beforeAll(async () => {
  broker = await startSecuredKafka();
}, 60_000);

afterAll(async () => {
  await broker?.stop();
});

const saslEnv = (mechanism: string, user: { username: string; password: string }): Env => ({
  KAFKA_BROKERS: broker.saslSslBroker,
  KAFKA_SSL: 'true',
  KAFKA_SSL_CA_FILE: broker.tls.caFile,
  KAFKA_SASL_MECHANISM: mechanism,
  KAFKA_SASL_USERNAME: user.username,
  KAFKA_SASL_PASSWORD: user.password,
});

const mutualTlsEnv = (): Env => ({
  KAFKA_BROKERS: broker.mutualTlsBroker,
  KAFKA_SSL: 'true',
  KAFKA_SSL_CA_FILE: broker.tls.caFile,
  KAFKA_SSL_CERT_FILE: broker.tls.clientCertFile,
  KAFKA_SSL_KEY_FILE: broker.tls.clientKeyFile,
});

/** Creates a topic, produces one message and consumes it back, all with clients made from env. */
async function roundTrip(env: Env): Promise<string> {
  const kafka = createKafka(kafkaSettingsFromEnv('secured-kafka-spec', env));
  const topic = `secured-${randomBytes(4).toString('hex')}`;
  const value = `hello ${topic}`;
  const admin = kafka.admin();
  const producer = kafka.producer();
  const consumer = kafka.consumer({ groupId: `${topic}-group` });
  try {
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
    await producer.connect();
    await producer.send({ topic, messages: [{ key: 'k', value }] });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    return await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no message on ${topic} within 15 s`)), 15_000);
      void consumer
        .run({
          eachMessage: async ({ message }) => {
            clearTimeout(timer);
            resolve(message.value?.toString('utf8') ?? '');
          },
        })
        .catch(reject);
    });
  } finally {
    await Promise.all([consumer.disconnect(), producer.disconnect(), admin.disconnect()].map((p) => p.catch(() => undefined)));
  }
}

/** Connects an admin client made from env and asks for the cluster; resolves to the failure it met, with its causes. */
async function refusal(env: Env, overrides = bounded): Promise<{ error: string; ms: number }> {
  const admin = createKafka(kafkaSettingsFromEnv('secured-kafka-spec', env), undefined, overrides).admin();
  const started = Date.now();
  try {
    await admin.connect();
    await admin.describeCluster();
  } catch (error) {
    const chain: string[] = [];
    for (let e: unknown = error; e instanceof Error && chain.length < 5; e = (e as Error & { cause?: unknown }).cause) chain.push(`${e.name}: ${e.message}`);
    return { error: chain.join(' <- '), ms: Date.now() - started };
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
  throw new Error(`expected the broker to refuse ${JSON.stringify(env)}, but it answered`);
}

describe('Kafka SASL and TLS settings against a secured broker', () => {
  it('given SASL PLAIN over TLS with our CA, when a client produces and consumes, then the message arrives', async () => {
    const env = saslEnv('plain', broker.plainUser);
    expect(await roundTrip(env)).toMatch(/^hello secured-/);
  }, 30_000);

  it.each([
    ['SCRAM-SHA-256', () => broker.scramUser],
    ['SCRAM-SHA-512', () => broker.scram512User],
  ])('given %s over TLS with our CA, when a client produces and consumes, then the message arrives', async (mechanism, user) => {
    expect(await roundTrip(saslEnv(mechanism, user()))).toMatch(/^hello secured-/);
  }, 30_000);

  it('given a SCRAM-SHA-512 user, when a client authenticates with SCRAM-SHA-256, then it is refused (the mechanism is honoured, not guessed)', async () => {
    const { error } = await refusal(saslEnv('SCRAM-SHA-256', broker.scram512User), {});
    expect(error).toMatch(/KafkaJSSASLAuthenticationError.*Authentication failed/);
  });

  it.each([
    ['PLAIN', 'plain', () => broker.plainUser],
    ['SCRAM-SHA-256', 'scram-sha-256', () => broker.scramUser],
    ['SCRAM-SHA-512', 'scram-sha-512', () => broker.scram512User],
  ])('given %s with a wrong password, when a client connects, then it gets an authentication error at once', async (_, mechanism, user) => {
    // With the services' own retry settings: an authentication failure is not retried into a hang.
    const { error, ms } = await refusal(saslEnv(mechanism, { ...user(), password: 'wrong-password' }), {});
    expect(error).toMatch(/KafkaJSSASLAuthenticationError.*Authentication failed/);
    expect(ms).toBeLessThan(5000);
  });

  it('given TLS without our CA (system trust, or another CA), when a client connects, then the certificate is not trusted', async () => {
    const withoutCa = { ...saslEnv('plain', broker.plainUser) };
    delete withoutCa['KAFKA_SSL_CA_FILE'];
    expect((await refusal(withoutCa)).error).toMatch(/self[- ]signed certificate in certificate chain|unable to (get local issuer|verify)/);
    expect((await refusal({ ...saslEnv('plain', broker.plainUser), KAFKA_SSL_CA_FILE: broker.tls.otherCaFile })).error).toMatch(
      /self[- ]signed certificate in certificate chain|unable to (get local issuer|verify)/,
    );
  });

  it('given no TLS, when a client speaks plaintext to either TLS port, then it fails within its timeouts', async () => {
    for (const port of [broker.saslSslBroker, broker.mutualTlsBroker]) {
      const { error, ms } = await refusal({ KAFKA_BROKERS: port, KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: broker.plainUser.username, KAFKA_SASL_PASSWORD: broker.plainUser.password });
      expect(error).toMatch(/KafkaJSConnectionClosedError: Closed connection/);
      expect(ms).toBeLessThan(5000);
    }
  });

  it('given our client certificate and key, when a client produces and consumes over mutual TLS, then the message arrives', async () => {
    expect(await roundTrip(mutualTlsEnv())).toMatch(/^hello secured-/);
  }, 30_000);

  it('given mutual TLS without a client certificate, or with one from another CA, when a client connects, then it is refused', async () => {
    const noCertificate = { KAFKA_BROKERS: broker.mutualTlsBroker, KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: broker.tls.caFile };
    expect((await refusal(noCertificate)).error).toMatch(/alert bad certificate|certificate required/);
    const stranger = { ...mutualTlsEnv(), KAFKA_SSL_CERT_FILE: broker.tls.strangerCertFile, KAFKA_SSL_KEY_FILE: broker.tls.strangerKeyFile };
    expect((await refusal(stranger)).error).toMatch(/alert (certificate unknown|unknown ca|bad certificate)/);
  });
});
