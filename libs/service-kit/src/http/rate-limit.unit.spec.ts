import { LocalRateLimiter, rateLimitFromEnv } from './rate-limit';

describe('rate limiting', () => {
  it('given a limit of 3 per second, when a caller sends 4 in one second, then the 4th is refused until the next second', async () => {
    const limiter = new LocalRateLimiter(3);
    const at = 1_000_000_250;
    const decisions = [];
    for (let i = 0; i < 4; i++) decisions.push(await limiter.take('k:a', at));
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, false]);
    expect(decisions[3]).toMatchObject({ remaining: 0, retryAfter: 1, limit: 3 });
    expect((await limiter.take('k:b', at)).allowed).toBe(true); // per caller
    expect((await limiter.take('k:a', at + 1000)).allowed).toBe(true); // next window
  });

  it('reads RATE_LIMIT_RPS, defaulting to 200, refusing nonsense', () => {
    expect(rateLimitFromEnv({})).toBe(200);
    expect(rateLimitFromEnv({ RATE_LIMIT_RPS: '50' })).toBe(50);
    expect(() => rateLimitFromEnv({ RATE_LIMIT_RPS: '0' })).toThrow(/RATE_LIMIT_RPS/);
  });
});
