import { NotParkedError, type ProjectionFamily, type ReplayOutcome } from '@eventide/projections';
import type { Invocation } from '../args';
import type { CliContext } from '../context';
import { printJson, type Io } from '../io';
import { exceptionKey } from './dlq-list.command';

type DlqReplayArgs = Extract<Invocation, { command: 'dlq-replay' }>;
type DlqSkipArgs = Extract<Invocation, { command: 'dlq-skip' }>;

/** What happened to one stream, for output. */
export interface StreamOutcome {
  key: string;
  replayed: boolean;
  applied: number;
  skippedVersion?: number;
  failure?: { version: number; view: string; reason: string };
}

function outcome(key: string, result: ReplayOutcome, skippedVersion?: number): StreamOutcome {
  const failure = result.failure ? { version: result.failure.version, view: result.failure.view, reason: result.failure.message } : undefined;
  return { key, replayed: result.replayed, applied: result.applied, ...(skippedVersion !== undefined ? { skippedVersion } : {}), ...(failure ? { failure } : {}) };
}

function line(o: StreamOutcome): string {
  const skipped = o.skippedVersion !== undefined ? `skipped version ${o.skippedVersion}, ` : '';
  if (o.replayed) return `replayed        ${o.key}: ${skipped}${o.applied} event(s) applied, un-parked\n`;
  const f = o.failure;
  return `still failing   ${o.key}: ${skipped}at version ${f?.version} in ${f?.view}: ${f?.reason ?? 'unknown'}\n`;
}

function report(io: Io, family: ProjectionFamily, outcomes: StreamOutcome[], json: boolean): number {
  const failing = outcomes.filter((o) => !o.replayed).length;
  if (json) printJson(io, { family: family.name, outcomes });
  else {
    for (const o of outcomes) io.out(line(o));
    if (outcomes.length === 0) io.out(`no parked streams in ${family.name}\n`);
  }
  if (failing) io.err(`${failing} of ${outcomes.length} stream(s) still failing; they stay parked (see \`eventide dlq list ${family.name}\`)\n`);
  return failing ? 1 : 0;
}

/** `dlq replay <family> <key>... | --all`: replays parked streams from the event store; 1 if any still fails. */
export async function dlqReplayCommand(args: DlqReplayArgs, ctx: CliContext, io: Io): Promise<number> {
  const family = await ctx.family(args.family, { withRedis: true });
  const keys = args.keys === 'all' ? (await family.exceptions.listParked(Number.MAX_SAFE_INTEGER)).map(exceptionKey) : args.keys;
  const outcomes: StreamOutcome[] = [];
  for (const key of keys) outcomes.push(outcome(key, await family.replay(key)));
  return report(io, family, outcomes, args.json);
}

/** `dlq skip <family> <key>`: skips the stream's failed event, then replays the rest of it. */
export async function dlqSkipCommand(args: DlqSkipArgs, ctx: CliContext, io: Io): Promise<number> {
  const family = await ctx.family(args.family, { withRedis: true });
  const exception = await family.exceptions.get(args.key);
  if (!exception?.parked) throw new NotParkedError(args.key);
  const result = await family.replay(args.key, { skipFailed: true });
  return report(io, family, [outcome(args.key, result, exception.parked.failedVersion)], args.json);
}
