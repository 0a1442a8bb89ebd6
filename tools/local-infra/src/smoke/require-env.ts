/**
 * Integration tests run against the servers `npm test` provisions (or the ones the environment names).
 * A missing variable is a broken setup, never a reason to skip: fail loudly.
 */
export function requireEnv(name: 'KAFKA_BROKERS' | 'MONGO_URL' | 'REDIS_URL'): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run integration tests through \`npm test\` (it provisions the servers) or export ${name}`);
  return value;
}

export const uniqueName = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
