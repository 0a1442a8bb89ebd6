import Redis from 'ioredis';
import { RedisRateLimiter } from './rate-limit';

/** The limit is per key and shared by every replica: two limiters on one Redis count together. */
describe('RedisRateLimiter (real Redis)', () => {
  const url = process.env['REDIS_URL'];
  const a = new Redis(url ?? '', { lazyConnect: true });
  const b = new Redis(url ?? '', { lazyConnect: true });

  beforeAll(async () => {
    if (!url) throw new Error('REDIS_URL is not set: run through `npm test`');
    await Promise.all([a.connect(), b.connect()]);
  });
  afterAll(() => {
    a.disconnect();
    b.disconnect();
  });

  it('given two replicas and a limit of 5 per second, when a key sends 4 to each in one second, then 3 are refused', async () => {
    const caller = `k:test-${Date.now()}-${Math.random()}`;
    const replicas = [new RedisRateLimiter(a, 5), new RedisRateLimiter(b, 5)];
    const now = Math.floor(Date.now() / 1000) * 1000 + 10;
    const decisions = await Promise.all(Array.from({ length: 8 }, (_, i) => (replicas[i % 2] as RedisRateLimiter).take(caller, now)));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(5);
    expect(decisions.filter((d) => !d.allowed).every((d) => d.retryAfter >= 1)).toBe(true);
    // Another key has its own allowance.
    expect((await (replicas[0] as RedisRateLimiter).take(`${caller}-other`, now)).allowed).toBe(true);
  });

  it('lets requests through when Redis cannot be reached', async () => {
    const down = new Redis('redis://127.0.0.1:1', { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
    down.on('error', () => undefined);
    expect((await new RedisRateLimiter(down, 1).take('k:x')).allowed).toBe(true);
    down.disconnect();
  });
});
