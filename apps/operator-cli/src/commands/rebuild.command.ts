import { rebuild, type RebuildProgress } from '@eventide/projections';
import type { Invocation } from '../args';
import type { CliContext } from '../context';
import { printJson, type Io } from '../io';

type RebuildArgs = Extract<Invocation, { command: 'rebuild' }>;

const stageText: Record<RebuildProgress['stage'], string> = {
  started: 'registered the new generation; waiting for the replicas to write it too',
  'replicas-writing-both': 'every replica writes both generations; backfilling from the event store',
  backfilling: 'backfilling',
  backfilled: 'backfill done',
  switched: 'switched queries to the new generation; waiting for the replicas before dropping the old one',
  'old-dropped': 'dropped the old generation',
};

/**
 * Progress on stderr: one line rewritten in place on a terminal, otherwise a line per stage and at
 * most one backfill line per second.
 */
export function progressReporter(io: Io, startedAt: number): (progress: RebuildProgress) => void {
  let backfillStart: number | undefined;
  let lastLine = 0;
  return (progress) => {
    const now = io.now();
    if (progress.stage === 'replicas-writing-both') backfillStart = now;
    let text = `[${((now - startedAt) / 1000).toFixed(1)}s] generation ${progress.generation}: ${stageText[progress.stage]}`;
    if (progress.stage === 'backfilling' || progress.stage === 'backfilled') {
      backfillStart ??= now;
      const seconds = Math.max((now - backfillStart) / 1000, 0.001);
      const events = progress.events ?? 0;
      text += ` ${events} events (${Math.round(events / seconds)} events/s)`;
      if (progress.stage === 'backfilling' && !io.errIsTTY && now - lastLine < 1000) return;
    }
    lastLine = now;
    // On a terminal the backfill line is rewritten in place; every other stage ends its line.
    if (io.errIsTTY) io.err(`\r\x1b[K${text}${progress.stage === 'backfilling' ? '' : '\n'}`);
    else io.err(`${text}\n`);
  };
}

/** `rebuild <family> [--json]`: a new generation, backfilled and switched to, with progress. */
export async function rebuildCommand(args: RebuildArgs, ctx: CliContext, io: Io): Promise<number> {
  const family = await ctx.family(args.family, { withRedis: true });
  const admin = await ctx.admin();
  const started = io.now();
  let events = 0;
  const report = progressReporter(io, started);
  const doc = await rebuild(family, {
    admin,
    onProgress: (progress) => {
      if (progress.events !== undefined) events = progress.events;
      report(progress);
    },
  });
  const seconds = (io.now() - started) / 1000;
  const rate = Math.round(events / Math.max(seconds, 0.001));
  if (args.json) printJson(io, { family: family.name, generation: doc.active, events, seconds, eventsPerSecond: rate, generations: doc });
  else io.out(`rebuilt ${family.name}: generation ${doc.active} is active; ${events} events in ${seconds.toFixed(1)} s (${rate} events/s)\n`);
  return 0;
}
