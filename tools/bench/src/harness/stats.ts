import type { BenchPair, Sample } from './pair';

/** Median, extremes and spread of one side's repetitions. */
export interface SideStats {
  median: number;
  min: number;
  max: number;
  /** Interquartile range (linear interpolation between order statistics). */
  iqr: number;
  /** (max - min) / median: how far apart the repetitions are, relative to the median. */
  relativeSpread: number;
  /** Median of the repetitions' p50 and p99 latencies, when the pair measures them. */
  latency?: { p50: number; p99: number };
}

/** The q-quantile (0..1) of `values`, interpolated linearly; NaN when empty. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const at = (sorted.length - 1) * Math.min(1, Math.max(0, q));
  const low = Math.floor(at);
  const high = Math.ceil(at);
  const lowValue = sorted[low] as number;
  return lowValue + ((sorted[high] as number) - lowValue) * (at - low);
}

export const median = (values: readonly number[]): number => quantile(values, 0.5);

export function sideStats(samples: readonly Sample[]): SideStats {
  const values = samples.map((s) => s.value);
  const m = median(values);
  const min = Math.min(...values);
  const max = Math.max(...values);
  const stats: SideStats = { median: m, min, max, iqr: quantile(values, 0.75) - quantile(values, 0.25), relativeSpread: m === 0 ? Number.NaN : (max - min) / m };
  const latencies = samples.flatMap((s) => (s.latency ? [s.latency] : []));
  if (latencies.length) stats.latency = { p50: median(latencies.map((l) => l.p50)), p99: median(latencies.map((l) => l.p99)) };
  return stats;
}

/** Ours relative to the baseline, so that above 1 always means ours is better. */
export function ratioOf(pair: Pick<BenchPair, 'higherIsBetter'>, ours: number, baseline: number): number {
  return pair.higherIsBetter ? ours / baseline : baseline / ours;
}

/** Whether the ratio meets the pair's goal; undefined when the pair has none. */
export function goalMet(goal: number | undefined, ratio: number): boolean | undefined {
  return goal === undefined ? undefined : Number.isFinite(ratio) && ratio >= goal;
}

/** Latency percentiles (ms) of individual operations. */
export function percentiles(latenciesMs: readonly number[]): { p50: number; p99: number } {
  return { p50: quantile(latenciesMs, 0.5), p99: quantile(latenciesMs, 0.99) };
}
