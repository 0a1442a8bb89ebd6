// `npm run bench [-- --only <group|id>] [--cpu-prof]` (or `-- --report-only`, which only regenerates the docs): runs every selected pair of tools/bench/src/pairs, then
// writes docs/benchmarks/results.json, the charts and docs/benchmarks.md. Started by the dev
// tooling (tools/dev, `bench`) with the connection variables of the local infrastructure.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { infraSettings } from '@eventide/local-infra';
import { interrupted, onInterrupt, stopChildrenOnSignal } from './children';
import { environment } from './environment';
import { beginPairProfiling, enableProfiling, finishPairProfiling, profilesRoot, profilingEnabled } from './profiling';
import { renderMarkdown, groupsOf, type Results } from './report';
import { discoverPairs, repetitionsFor, runPair, selected, type PairResult, type Profile } from './runner';
import { groupChart, latencyChart } from './svg';

const { workspaceRoot } = infraSettings();
const docsDir = join(workspaceRoot, 'docs', 'benchmarks');

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set; run through npm run bench`);
  return value;
}

/** The results of this run, plus earlier results of pairs it did not run (a run with --only keeps the rest). */
function merge(run: PairResult[]): PairResult[] {
  const file = join(docsDir, 'results.json');
  if (!existsSync(file)) return run;
  const earlier = (JSON.parse(readFileSync(file, 'utf8')) as Results).pairs ?? [];
  const ids = new Set(run.map((p) => p.id));
  return [...earlier.filter((p) => !ids.has(p.id)), ...run];
}

function write(results: Results): void {
  mkdirSync(docsDir, { recursive: true });
  writeFileSync(join(docsDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  const charts = groupsOf(results.pairs).map((group) => {
    const file = `${group}.svg`;
    writeFileSync(join(docsDir, file), groupChart(group, results.pairs.filter((p) => p.group === group)));
    return { group, file: `benchmarks/${file}` };
  });
  const withLatency = results.pairs.some((p) => p.ours?.latency && p.baseline?.latency);
  if (withLatency) writeFileSync(join(docsDir, 'latency.svg'), latencyChart(results.pairs));
  const notesFile = join(docsDir, 'notes.md');
  const notes = existsSync(notesFile) ? readFileSync(notesFile, 'utf8') : '';
  writeFileSync(join(workspaceRoot, 'docs', 'benchmarks.md'), renderMarkdown(results, notes, charts, withLatency ? 'benchmarks/latency.svg' : undefined));
}

export async function main(args: string[]): Promise<number> {
  if (args.includes('--report-only')) {
    // Regenerates the charts and docs/benchmarks.md from results.json (after editing notes.md).
    write(JSON.parse(readFileSync(join(docsDir, 'results.json'), 'utf8')) as Results);
    return 0;
  }
  stopChildrenOnSignal();
  if (args.includes('--cpu-prof')) enableProfiling();
  const onlyAt = args.indexOf('--only');
  const only = (onlyAt >= 0 ? args[onlyAt + 1] : undefined) ?? process.env['BENCH_ONLY'];
  const profile: Profile = process.env['BENCH_PROFILE'] === 'quick' ? 'quick' : 'full';
  const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
  const mongoUrl = required('MONGO_URL');
  const redisUrl = required('REDIS_URL');
  const kafkaBrokers = required('KAFKA_BROKERS').split(',');
  const pairs = (await discoverPairs(join(__dirname, '..', 'pairs'), profile)).filter((p) => selected(p, only));
  if (pairs.length === 0) {
    log(`no pair matches ${only ?? '(everything)'}`);
    return 2;
  }
  const run = Date.now().toString(36);
  const repetitions = repetitionsFor(profile);
  log(`${pairs.length} pairs, profile ${profile}, ${repetitions} repetitions each`);
  if (profilingEnabled()) log(`CPU profiles of the ours side go to ${profilesRoot()}/<pair-id>/ (profiling slows ours down: these figures are not comparable)`);
  const command = `${profile === 'quick' ? 'BENCH_PROFILE=quick ' : ''}npm run bench${only ? ` -- --only ${only}` : ''}`;
  const env = await environment(profile, command, { mongoUrl, redisUrl });
  const results: PairResult[] = [];
  for (const [i, pair] of pairs.entries()) {
    const name = `bench-${run}-${i}`;
    const redisDb = 10 + (i % 6);
    onInterrupt(() => pair.teardown());
    beginPairProfiling(pair.id);
    const result = await runPair(
      pair,
      { mongoUrl, kafkaBrokers, redisUrl: `${redisUrl.replace(/\/\d*$/, '')}/${redisDb}`, dbName: name, topicPrefix: `${name}.`, tenant: name, profile, log },
      repetitions,
    );
    onInterrupt(undefined);
    if (interrupted()) return new Promise<number>(() => undefined); // the signal handler exits
    finishPairProfiling(log, result);
    log(`${pair.id}: ${result.status}${result.ratio === undefined ? '' : `, ratio ${result.ratio.toFixed(3)}`}${result.goalMet === undefined ? '' : result.goalMet ? ' (goal met)' : ' (goal NOT met)'} in ${result.seconds.toFixed(0)}s`);
    results.push({ ...result, measuredAt: env.date, profile });
  }
  const failed = results.filter((r) => r.status === 'failed');
  if (profilingEnabled()) {
    // A profiled ours is slowed by the profiler: its figures must not replace the published ones.
    log(`${results.length - failed.length} measured, ${failed.length} failed${failed.length ? `: ${failed.map((f) => f.id).join(', ')}` : ''}; profiled run, docs/benchmarks left as they were`);
    return failed.length ? 1 : 0;
  }
  write({ environment: env, pairs: merge(results) });
  log(`${results.length - failed.length} measured, ${failed.length} failed${failed.length ? `: ${failed.map((f) => f.id).join(', ')}` : ''}; docs/benchmarks.md written`);
  return failed.length ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
