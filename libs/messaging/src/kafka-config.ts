import { Kafka, logLevel, type KafkaConfig, type SASLOptions } from 'kafkajs';

export interface KafkaSettings {
  brokers: string[];
  clientId: string;
  ssl: boolean;
  sasl?: SASLOptions;
}

/**
 * Kafka connection settings from the environment: KAFKA_BROKERS, and for secured clusters
 * KAFKA_SSL=true and KAFKA_SASL_MECHANISM (plain | scram-sha-256 | scram-sha-512) with
 * KAFKA_SASL_USERNAME / KAFKA_SASL_PASSWORD.
 */
export function kafkaSettingsFromEnv(clientId: string, env: NodeJS.ProcessEnv = process.env): KafkaSettings {
  const brokers = (env['KAFKA_BROKERS'] ?? '').split(',').map((b) => b.trim()).filter(Boolean);
  if (brokers.length === 0) throw new Error('KAFKA_BROKERS is not set');
  const mechanism = env['KAFKA_SASL_MECHANISM']?.toLowerCase();
  const settings: KafkaSettings = { brokers, clientId, ssl: env['KAFKA_SSL'] === 'true' };
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
export function createKafka(settings: KafkaSettings, log: (level: 'error' | 'warn', message: string, extra: object) => void = () => undefined): Kafka {
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
  };
  if (settings.sasl) config.sasl = settings.sasl;
  return new Kafka(config);
}
