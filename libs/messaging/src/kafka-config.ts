import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { Kafka, logLevel, type KafkaConfig, type SASLOptions } from 'kafkajs';

export interface KafkaSettings {
  brokers: string[];
  clientId: string;
  /** false for plaintext, true for TLS trusting the system CAs, or TLS options (own CA, client certificate). */
  ssl: boolean | ConnectionOptions;
  sasl?: SASLOptions;
}

/** Variables that configure how every service reaches Kafka; the deploy manifests are checked against this list. */
export const kafkaEnv = [
  'KAFKA_BROKERS',
  'KAFKA_SSL',
  'KAFKA_SSL_CA_FILE',
  'KAFKA_SSL_CERT_FILE',
  'KAFKA_SSL_KEY_FILE',
  'KAFKA_SASL_MECHANISM',
  'KAFKA_SASL_USERNAME',
  'KAFKA_SASL_PASSWORD',
] as const;

type Read = (path: string) => string;

function tlsFromEnv(env: NodeJS.ProcessEnv, read: Read): boolean | ConnectionOptions {
  const files = { ca: env['KAFKA_SSL_CA_FILE'], cert: env['KAFKA_SSL_CERT_FILE'], key: env['KAFKA_SSL_KEY_FILE'] };
  const anyFile = Object.values(files).some(Boolean);
  // Anything but true or false is refused: reading "1" or "yes" as false could send a SASL password in the clear.
  const flag = (env['KAFKA_SSL'] ?? '').trim().toLowerCase();
  if (flag !== '' && flag !== 'true' && flag !== 'false') throw new Error(`KAFKA_SSL must be true or false, got "${env['KAFKA_SSL']}"`);
  if (flag !== 'true') {
    if (anyFile) throw new Error('KAFKA_SSL_CA_FILE, KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE need KAFKA_SSL=true');
    return false;
  }
  if (!anyFile) return true;
  if (Boolean(files.cert) !== Boolean(files.key)) throw new Error('KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE go together (mutual TLS)');
  const options: ConnectionOptions = {};
  for (const [field, path] of Object.entries(files)) {
    if (!path) continue;
    try {
      options[field as 'ca' | 'cert' | 'key'] = read(path);
    } catch (error) {
      throw new Error(`cannot read ${field === 'ca' ? 'KAFKA_SSL_CA_FILE' : field === 'cert' ? 'KAFKA_SSL_CERT_FILE' : 'KAFKA_SSL_KEY_FILE'} (${path}): ${(error as Error).message}`);
    }
  }
  return options;
}

/**
 * Kafka connection settings from the environment: KAFKA_BROKERS; for TLS, KAFKA_SSL=true, with
 * KAFKA_SSL_CA_FILE for a private CA (Strimzi's cluster CA, say) and KAFKA_SSL_CERT_FILE /
 * KAFKA_SSL_KEY_FILE for mutual TLS; for SASL, KAFKA_SASL_MECHANISM (plain | scram-sha-256 |
 * scram-sha-512) with KAFKA_SASL_USERNAME / KAFKA_SASL_PASSWORD.
 */
export function kafkaSettingsFromEnv(clientId: string, env: NodeJS.ProcessEnv = process.env, read: Read = (path) => readFileSync(path, 'utf8')): KafkaSettings {
  const brokers = (env['KAFKA_BROKERS'] ?? '').split(',').map((b) => b.trim()).filter(Boolean);
  if (brokers.length === 0) throw new Error('KAFKA_BROKERS is not set');
  const mechanism = env['KAFKA_SASL_MECHANISM']?.toLowerCase();
  const settings: KafkaSettings = { brokers, clientId, ssl: tlsFromEnv(env, read) };
  if (mechanism) {
    const username = env['KAFKA_SASL_USERNAME'];
    const password = env['KAFKA_SASL_PASSWORD'];
    if (!username || !password) throw new Error('KAFKA_SASL_MECHANISM needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD');
    if (mechanism !== 'plain' && mechanism !== 'scram-sha-256' && mechanism !== 'scram-sha-512') {
      throw new Error(`KAFKA_SASL_MECHANISM must be plain, scram-sha-256 or scram-sha-512, got "${mechanism}"`);
    }
    settings.sasl = { mechanism, username, password } as SASLOptions;
  }
  return settings;
}

/** A kafkajs client whose logs go through the given sink (errors and warnings only by default). */
export function createKafka(
  settings: KafkaSettings,
  log: (level: 'error' | 'warn', message: string, extra: object) => void = () => undefined,
  overrides: Pick<KafkaConfig, 'connectionTimeout' | 'requestTimeout' | 'retry'> = {},
): Kafka {
  const config: KafkaConfig = {
    clientId: settings.clientId,
    brokers: settings.brokers,
    ssl: settings.ssl,
    logLevel: logLevel.WARN,
    logCreator: () => (entry) => {
      const { message, ...extra } = entry.log;
      log(entry.level === logLevel.ERROR ? 'error' : 'warn', `${entry.namespace}: ${message}`, extra);
    },
    retry: { retries: 8, initialRetryTime: 100, maxRetryTime: 5000 },
    ...overrides,
  };
  if (settings.sasl) config.sasl = settings.sasl;
  return new Kafka(config);
}
