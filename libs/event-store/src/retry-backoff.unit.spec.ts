import { DEFAULT_RETRY_POLICY, retryDelayMs } from './retry-backoff';

describe('retry backoff', () => {
  it('defaults to 3 attempts starting at 100 ms and growing by 1.5', () => {
    expect(DEFAULT_RETRY_POLICY).toEqual({ maxAttempts: 3, initialDelayMs: 100, factor: 1.5 });
  });

  it('grows geometrically; a mid-range jitter gives the plain delay', () => {
    const middle = () => 0.5;
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, DEFAULT_RETRY_POLICY, middle))).toEqual([100, 150, 225, 338]);
  });

  it('jitters each delay within half to one and a half times its base', () => {
    expect(retryDelayMs(2, DEFAULT_RETRY_POLICY, () => 0)).toBe(75);
    expect(retryDelayMs(2, DEFAULT_RETRY_POLICY, () => 0.999999)).toBe(225);
    const delays = Array.from({ length: 200 }, () => retryDelayMs(1, DEFAULT_RETRY_POLICY));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(50);
    expect(Math.max(...delays)).toBeLessThanOrEqual(150);
    expect(new Set(delays).size).toBeGreaterThan(1);
  });
});
