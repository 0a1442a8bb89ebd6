import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchContext, BenchPair, PairFactory, Sample } from './pair';
import { profileOurs } from './profiling';
import { goalMet, ratioOf, sideStats, type SideStats } from './stats';

export type Profile = BenchContext['profile'];

export const repetitionsFor = (profile: Profile): number => (profile === 'quick' ? 3 : 5);

/** Which side runs first in a repetition: A B, then B A, then A B ..., so neither side always goes first. */
export function sideOrder(repetition: number): ('ours' | 'baseline')[] {
  return repetition % 2 === 0 ? ['ours', 'baseline'] : ['baseline', 'ours'];
}

/** True when the pair is selected by `--only`: its group equals the filter or its id contains it. */
export function selected(pair: Pick<BenchPair, 'id' | 'group'>, only: string | undefined): boolean {
  if (!only) return true;
  return only.split(',').some((f) => f !== '' && (pair.group === f || pair.id.includes(f)));
}

export interface PairResult {
  id: string;
  group: string;
  title: string;
  unit: string;
  higherIsBetter: boolean;
  baselineLabel: string;
  goal?: number;
  status: 'ok' | 'failed';
  error?: string;
  seconds: number;
  samples: { ours: Sample[]; baseline: Sample[] };
  ours?: SideStats;
  baseline?: SideStats;
  /** Ratio of the medians, oriented so that above 1 means ours is better. */
  ratio?: number;
  goalMet?: boolean;
  /** When and in which profile it was measured (a run with --only keeps other pairs' earlier results). */
  measuredAt?: string;
  profile?: Profile;
}

/** Every `*.pairs.ts` module in `dir`, in name order. */
export async function discoverPairs(dir: string, profile: Profile): Promise<BenchPair[]> {
  const files = readdirSync(dir).filter((f) => f.endsWith('.pairs.ts')).sort();
  const pairs: BenchPair[] = [];
  for (const file of files) {
    const mod = (await import(join(dir, file))) as { pairs?: PairFactory; default?: { pairs?: PairFactory } };
    const factory = mod.pairs ?? mod.default?.pairs;
    if (typeof factory !== 'function') throw new Error(`${file} does not export pairs: PairFactory`);
    pairs.push(...factory(profile));
  }
  return pairs;
}

const message = (error: unknown): string => (error instanceof Error ? (error.stack ?? error.message) : String(error));

/**
 * Runs one pair: setup, a discarded warm-up of each side, then the repetitions alternating the
 * sides and flipping which one goes first; teardown always. A failure is returned, not thrown.
 */
export async function runPair(pair: BenchPair, context: BenchContext, repetitions: number): Promise<PairResult> {
  const started = Date.now();
  const result: PairResult = {
    id: pair.id,
    group: pair.group,
    title: pair.title,
    unit: pair.unit,
    higherIsBetter: pair.higherIsBetter,
    baselineLabel: pair.baselineLabel,
    status: 'ok',
    seconds: 0,
    samples: { ours: [], baseline: [] },
  };
  if (pair.goal !== undefined) result.goal = pair.goal;
  try {
    await pair.setup(context);
    context.log(`${pair.id}: warm-up`);
    await pair.ours(-1);
    await pair.baseline(-1);
    for (let r = 0; r < repetitions; r++) {
      for (const side of sideOrder(r)) {
        // With BENCH_CPU_PROF=1, ours's repetitions (not the warm-up) are profiled (harness/profiling.ts).
        const sample = side === 'ours' ? await profileOurs(r, () => pair.ours(r)) : await pair.baseline(r);
        if (!Number.isFinite(sample.value)) throw new Error(`${side} of repetition ${r} gave ${sample.value}`);
        result.samples[side].push(sample);
      }
      context.log(`${pair.id}: repetition ${r + 1}/${repetitions}: ours ${fmt(result.samples.ours.at(-1)?.value)}, baseline ${fmt(result.samples.baseline.at(-1)?.value)} ${pair.unit}`);
    }
    result.ours = sideStats(result.samples.ours);
    result.baseline = sideStats(result.samples.baseline);
    result.ratio = ratioOf(pair, result.ours.median, result.baseline.median);
    const met = goalMet(pair.goal, result.ratio);
    if (met !== undefined) result.goalMet = met;
  } catch (error) {
    result.status = 'failed';
    result.error = message(error);
    context.log(`${pair.id}: FAILED: ${result.error}`);
  } finally {
    try {
      await pair.teardown();
    } catch (error) {
      context.log(`${pair.id}: teardown failed: ${message(error)}`);
      if (result.status === 'ok') {
        result.status = 'failed';
        result.error = `teardown: ${message(error)}`;
      }
    }
  }
  result.seconds = (Date.now() - started) / 1000;
  return result;
}

const fmt = (n: number | undefined): string => (n === undefined ? '-' : n >= 100 ? n.toFixed(0) : n.toPrecision(3));
