import type { DependencyCheck } from './dependency-checks';

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, { ok: boolean; error?: string; ms: number }>;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Runs every check at once, each bounded, so a hung dependency cannot hang the probe. */
export async function assessReadiness(checks: readonly DependencyCheck[], timeoutMs = 2500): Promise<ReadinessReport> {
  const results = await Promise.all(
    checks.map(async (c) => {
      const started = Date.now();
      try {
        await withTimeout(c.check(), timeoutMs);
        return [c.name, { ok: true, ms: Date.now() - started }] as const;
      } catch (error) {
        return [c.name, { ok: false, error: error instanceof Error ? error.message : String(error), ms: Date.now() - started }] as const;
      }
    }),
  );
  return { ready: results.every(([, r]) => r.ok), checks: Object.fromEntries(results) };
}
