import { createHash } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Redis } from 'ioredis';
import { problem } from './problem';

/** The outcome of taking one request from a caller's allowance. */
export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the next window, when refused. */
  retryAfter: number;
}

/** A per-caller request allowance. */
export interface RateLimiter {
  take(caller: string, now?: number): Promise<RateDecision>;
}

const decide = (count: number, limit: number, now: number): RateDecision => ({
  allowed: count <= limit,
  limit,
  remaining: Math.max(0, limit - count),
  retryAfter: Math.max(1, Math.ceil((1000 - (now % 1000)) / 1000)),
});

// One-second windows; INCR and the first EXPIRE in one script so a crash between them cannot leave a key forever.
const WINDOW_SCRIPT = `local n = redis.call('INCR', KEYS[1]) if n == 1 then redis.call('PEXPIRE', KEYS[1], 2000) end return n`;

/**
 * The limit shared by every replica: a counter per caller and second in Redis. When Redis does not
 * answer, requests are let through (a limiter must not turn a Redis outage into a full outage).
 */
export class RedisRateLimiter implements RateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly limit: number,
  ) {}

  async take(caller: string, now = Date.now()): Promise<RateDecision> {
    const key = `ratelimit:{${caller}}:${Math.floor(now / 1000)}`;
    try {
      const count = Number(await this.redis.eval(WINDOW_SCRIPT, 1, key));
      return decide(count, this.limit, now);
    } catch {
      return decide(0, this.limit, now);
    }
  }
}

/** A per-process limit, for a service deployed without Redis: each replica allows `limit` per second. */
export class LocalRateLimiter implements RateLimiter {
  private window = -1;
  private readonly counts = new Map<string, number>();

  constructor(private readonly limit: number) {}

  async take(caller: string, now = Date.now()): Promise<RateDecision> {
    const window = Math.floor(now / 1000);
    if (window !== this.window) {
      this.window = window;
      this.counts.clear();
    }
    const count = (this.counts.get(caller) ?? 0) + 1;
    this.counts.set(caller, count);
    return decide(count, this.limit, now);
  }
}

/** The caller a request is counted against: its API key (hashed, so keys never reach Redis), else its address. */
export function callerOf(req: Request): string {
  const key = req.header('x-api-key') ?? /^Bearer\s+(\S+)$/i.exec(req.header('authorization') ?? '')?.[1];
  return key ? `k:${createHash('sha256').update(key).digest('base64url').slice(0, 22)}` : `ip:${req.ip ?? 'unknown'}`;
}

/** `RATE_LIMIT_RPS` (default 200): requests per second per API key. */
export function rateLimitFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env['RATE_LIMIT_RPS'];
  const value = raw === undefined || raw === '' ? 200 : Number(raw);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`RATE_LIMIT_RPS must be a positive integer, got "${raw}"`);
  return value;
}

/** Express middleware: answers 429 problem+json with Retry-After once a caller's allowance is used up. */
export function rateLimitMiddleware(limiter: RateLimiter) {
  return (req: Request, res: Response, next: NextFunction) => {
    limiter.take(callerOf(req)).then(
      (decision) => {
        res.setHeader('RateLimit-Limit', String(decision.limit));
        res.setHeader('RateLimit-Remaining', String(decision.remaining));
        if (decision.allowed) return next();
        res.setHeader('Retry-After', String(decision.retryAfter));
        res.status(429).type('application/problem+json').send(JSON.stringify(problem('rate-limited', { detail: `more than ${decision.limit} requests per second with this key`, instance: req.originalUrl })));
      },
      () => next(),
    );
  };
}
