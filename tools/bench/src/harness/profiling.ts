// Opt-in CPU profiling of the ours side (`BENCH_CPU_PROF=1 npm run bench` or `npm run bench -- --cpu-prof`).
// Work in the bench process itself (append, publish, rebuild) is profiled with the inspector around
// each measured repetition of ours; services a pair starts (command service, projectors, gateway)
// run with `node --cpu-prof`, which writes their profile when they exit, and their samples are then
// cut down to the windows ours was measuring in (V8's profile clock is the monotonic clock that
// `process.hrtime` reads, so the bench process's times line up with theirs). Everything goes to
// `.reports/bench-profiles/<pair-id>/`: the raw `.cpuprofile` files, one folder per process kind,
// and for each kind a flame graph (`<kind>.svg`) and a summary of the top functions (`<kind>.md`).
import { Session } from 'node:inspector';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { infraSettings } from '@eventide/local-infra';
import type { CpuProfile, Window } from '../profile/cpuprofile';
import { renderProfiles } from '../profile/render';

/** The folder (under `<pair dir>`) of the bench process's own profiles. */
export const BENCH_PROCESS = 'bench-process';
/** Sampling interval, µs (node --cpu-prof's default as well). */
const INTERVAL_US = 1000;

let enabled = process.env['BENCH_CPU_PROF'] === '1' || process.env['BENCH_CPU_PROF'] === 'true';
let pair: { id: string; dir: string; windows: Window[] } | undefined;
let current: { start: number; measured?: Window } | undefined;

export const nowUs = (): number => Number(process.hrtime.bigint() / 1000n);

export function enableProfiling(): void {
  enabled = true;
}

export const profilingEnabled = (): boolean => enabled;

export function profilesRoot(): string {
  return join(infraSettings().workspaceRoot, '.reports', 'bench-profiles');
}

/** Before a pair runs: a fresh `.reports/bench-profiles/<id>/`. */
export function beginPairProfiling(id: string): void {
  if (!enabled) return;
  const dir = join(profilesRoot(), id);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  pair = { id, dir, windows: [] };
}

/** The node options a service child gets: `--cpu-prof` into the pair's folder for that service; none when off. */
export function serviceProfileArgs(service: string): string[] {
  if (!enabled || !pair) return [];
  const dir = join(pair.dir, service);
  mkdirSync(dir, { recursive: true });
  return ['--cpu-prof', '--cpu-prof-dir', dir, '--cpu-prof-interval', String(INTERVAL_US)];
}

/**
 * A pair narrows the profiled window of the running ours repetition to what it actually times (a
 * drain from its first committed offset, a rebuild's backfill), so start-up and preparation stay out.
 */
export function markMeasured(start: number, end: number): void {
  if (current) current.measured = { start, end };
}

/** Runs `work` (`measured` times within it) and marks that stretch as the measured window. */
export async function measured<T>(work: () => Promise<T>): Promise<T> {
  const start = nowUs();
  try {
    return await work();
  } finally {
    markMeasured(start, nowUs());
  }
}

function post<T = unknown>(session: Session, method: string, params?: object): Promise<T> {
  return new Promise((resolve, reject) => session.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result as T))));
}

/**
 * One repetition of ours: the bench process is profiled while it runs, and its window (or the part
 * the pair marks as measured) is kept for cutting the service children's profiles.
 */
export async function profileOurs<T>(repetition: number, work: () => Promise<T>): Promise<T> {
  if (!enabled || !pair) return work();
  const target = pair;
  const session = new Session();
  session.connect();
  await post(session, 'Profiler.enable');
  await post(session, 'Profiler.setSamplingInterval', { interval: INTERVAL_US });
  await post(session, 'Profiler.start');
  current = { start: nowUs() };
  try {
    return await work();
  } finally {
    const window = current.measured ?? { start: current.start, end: nowUs() };
    current = undefined;
    target.windows.push(window);
    try {
      const { profile } = await post<{ profile: CpuProfile }>(session, 'Profiler.stop');
      const dir = join(target.dir, BENCH_PROCESS);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `ours-r${repetition}.cpuprofile`), JSON.stringify(profile));
    } finally {
      session.disconnect();
    }
  }
}

/** Every `.cpuprofile` under `dir` (not recursive). */
function profilesIn(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).sort().map((f) => join(dir, f)) : [];
}

/**
 * After a pair's teardown (its services have exited and written their profiles): one flame graph and
 * summary per process kind, all cut to ours's measured windows; the pair's result beside them.
 */
export function finishPairProfiling(log: (line: string) => void, result?: unknown): void {
  if (!enabled || !pair) return;
  const { id, dir, windows } = pair;
  pair = undefined;
  writeFileSync(join(dir, 'windows.json'), `${JSON.stringify(windows, null, 2)}\n`);
  // The profiled run's figures and counters (not comparable with unprofiled ones, so not in results.json).
  if (result !== undefined) writeFileSync(join(dir, 'result.json'), `${JSON.stringify(result, null, 2)}\n`);
  const kinds = readdirSync(dir).filter((d) => statSync(join(dir, d)).isDirectory()).sort();
  if (kinds.length === 0) log(`${id}: no CPU profiles were written`);
  for (const kind of kinds) {
    const files = profilesIn(join(dir, kind));
    if (files.length === 0) {
      log(`${id}: ${kind} wrote no CPU profile (was it stopped cleanly?)`);
      continue;
    }
    const who = kind === BENCH_PROCESS ? 'bench process' : kind;
    const summary = renderProfiles(files, join(dir, kind), `${id}: ${who}, ours side (${windows.length} measured windows)`, {
      root: infraSettings().workspaceRoot,
      ...(windows.length ? { windows } : {}),
    });
    log(`${id}: ${kind}: ${files.length} profile${files.length === 1 ? '' : 's'}${summary ? `, flame graph ${join(dir, `${kind}.svg`)}` : ', no samples inside the measured windows'}`);
  }
}
