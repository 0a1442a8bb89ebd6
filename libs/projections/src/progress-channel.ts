import type { AppliedProgress } from './live-projection';

/** Redis pub/sub channel on which a family's replicas announce what they applied. */
export const progressChannel = (family: string): string => `eventide:progress:${family}`;

/** Compact wire form: `{ f, g, s: [[tenant, aggregateType, aggregateId, version], ...] }`. */
export function encodeProgress(progress: AppliedProgress): string {
  return JSON.stringify({ f: progress.family, g: progress.generations, s: progress.streams.map((s) => [s.tenant, s.aggregateType, s.aggregateId, s.version]) });
}

/** Parses an announcement; undefined for anything that is not one. */
export function decodeProgress(message: string): AppliedProgress | undefined {
  try {
    const raw = JSON.parse(message) as { f?: unknown; g?: unknown; s?: unknown };
    if (typeof raw.f !== 'string' || !Array.isArray(raw.g) || !Array.isArray(raw.s)) return undefined;
    const streams = (raw.s as unknown[]).flatMap((entry) => {
      if (!Array.isArray(entry) || entry.length !== 4) return [];
      const [tenant, aggregateType, aggregateId, version] = entry as unknown[];
      if (typeof tenant !== 'string' || typeof aggregateType !== 'string' || typeof aggregateId !== 'string' || typeof version !== 'number') return [];
      return [{ tenant, aggregateType, aggregateId, version }];
    });
    return { family: raw.f, generations: (raw.g as unknown[]).filter((g): g is number => typeof g === 'number'), streams };
  } catch {
    return undefined;
  }
}
