import { kafkaSettingsFromEnv } from './kafka-config';

const files: Record<string, string> = { '/ca.crt': 'CA PEM', '/tls.crt': 'CERT PEM', '/tls.key': 'KEY PEM' };
const read = (path: string) => {
  const content = files[path];
  if (content === undefined) throw new Error('ENOENT: no such file');
  return content;
};
const settings = (env: NodeJS.ProcessEnv) => kafkaSettingsFromEnv('test', { KAFKA_BROKERS: 'a:9092, b:9092', ...env }, read);

describe('Kafka settings from the environment', () => {
  it('given only brokers, connects in plaintext without SASL', () => {
    expect(settings({})).toEqual({ brokers: ['a:9092', 'b:9092'], clientId: 'test', ssl: false });
  });

  it('given KAFKA_SSL=true alone, uses TLS with the system CAs', () => {
    expect(settings({ KAFKA_SSL: 'true' }).ssl).toBe(true);
    expect(settings({ KAFKA_SSL: 'True' }).ssl).toBe(true);
    expect(settings({ KAFKA_SSL: 'false' }).ssl).toBe(false);
  });

  it('given a CA file and a client certificate, uses them (a private CA and mutual TLS, as Strimzi issues)', () => {
    expect(settings({ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: '/ca.crt', KAFKA_SSL_CERT_FILE: '/tls.crt', KAFKA_SSL_KEY_FILE: '/tls.key' }).ssl).toEqual({
      ca: 'CA PEM',
      cert: 'CERT PEM',
      key: 'KEY PEM',
    });
  });

  it('given SCRAM credentials, authenticates with them', () => {
    expect(settings({ KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' }).sasl).toEqual({ mechanism: 'scram-sha-512', username: 'u', password: 'p' });
  });

  it.each([
    [{ KAFKA_SSL: '1' }, /KAFKA_SSL must be true or false, got "1"/],
    [{ KAFKA_SSL: 'yes', KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' }, /KAFKA_SSL must be true or false/],
    [{ KAFKA_SSL_CA_FILE: '/ca.crt' }, /need KAFKA_SSL=true/],
    [{ KAFKA_SSL: 'true', KAFKA_SSL_CERT_FILE: '/tls.crt' }, /go together/],
    [{ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: '/missing.crt' }, /cannot read KAFKA_SSL_CA_FILE \(\/missing.crt\)/],
    [{ KAFKA_SASL_MECHANISM: 'scram-sha-512' }, /needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD/],
    [{ KAFKA_SASL_MECHANISM: 'gssapi', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' }, /must be plain, scram-sha-256 or scram-sha-512/],
  ])('refuses an incomplete or unreadable setting %j, naming the variable', (env, message) => {
    expect(() => settings(env)).toThrow(message);
  });

  it('refuses to start without brokers', () => {
    expect(() => kafkaSettingsFromEnv('test', {}, read)).toThrow('KAFKA_BROKERS is not set');
  });
});
