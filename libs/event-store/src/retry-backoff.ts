/** How often and how patiently a command is retried after losing a race. */
export interface RetryPolicy {
  /** Attempts in total, the first included; default 3. */
  maxAttempts: number;
  /** Delay before the second attempt; default 100 ms. */
  initialDelayMs: number;
  /** Growth of the delay per further attempt; default 1.5. */
  factor: number;
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({ maxAttempts: 3, initialDelayMs: 100, factor: 1.5 });

/**
 * Delay before attempt `failedAttempts + 1`: `initialDelayMs * factor^(failedAttempts - 1)`, scaled
 * by a jitter in [0.5, 1.5) so racing writers do not retry in lockstep.
 */
export function retryDelayMs(failedAttempts: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const base = policy.initialDelayMs * policy.factor ** Math.max(0, failedAttempts - 1);
  return Math.round(base * (0.5 + random()));
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
