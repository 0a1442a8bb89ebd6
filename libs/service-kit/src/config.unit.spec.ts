import { ConfigError, parseApiKeys, readServiceConfig } from './config';
import { serviceCatalogue } from './service-catalogue';

describe('readServiceConfig', () => {
  const gateway = serviceCatalogue['query-gateway'];

  it('given the dependency variables, reads them and the default port', () => {
    const config = readServiceConfig(gateway, { MONGO_URL: 'mongodb://db:27017', REDIS_URL: 'redis://cache:6379' });
    expect(config).toEqual({ port: 3000, mongoUrl: 'mongodb://db:27017', redisUrl: 'redis://cache:6379' });
  });

  it('given a port variable, uses it; given brokers, splits them', () => {
    const config = readServiceConfig(serviceCatalogue['command-service'], { COMMAND_PORT: '4001', MONGO_URL: 'mongodb://db', KAFKA_BROKERS: 'k1:9092, k2:9092' });
    expect(config.port).toBe(4001);
    expect(config.kafkaBrokers).toEqual(['k1:9092', 'k2:9092']);
  });

  it('names the missing variable', () => {
    expect(() => readServiceConfig(gateway, { MONGO_URL: 'mongodb://db' })).toThrow(new ConfigError('query-gateway needs REDIS_URL; `npm start` sets it, or export it to point at your server'));
  });

  it.each(['0', '70000', 'http', '3000.5'])('refuses port %p', (value) => {
    expect(() => readServiceConfig(gateway, { GATEWAY_PORT: value, MONGO_URL: 'm', REDIS_URL: 'r' })).toThrow(/GATEWAY_PORT must be a TCP port/);
  });
});

describe('parseApiKeys', () => {
  it('maps each key to its tenant', () => {
    expect(parseApiKeys('k1=tenantA, k2=tenantB')).toEqual(
      new Map([
        ['k1', 'tenantA'],
        ['k2', 'tenantB'],
      ]),
    );
  });

  it.each(['novalue', '=tenant', 'key=', 'k1=a,k1=b'])('refuses %p', (raw) => {
    expect(() => parseApiKeys(raw)).toThrow(ConfigError);
  });
});
