import type { StreamException } from '@eventide/projections';
import type { Invocation } from '../args';
import type { CliContext } from '../context';
import { printJson, type Io } from '../io';
import { formatTable, truncate } from '../table';

type DlqListArgs = Extract<Invocation, { command: 'dlq-list' }>;

/** The stream key of an exception document (its `_id` is `<family>|<stream key>`). */
export const exceptionKey = (exception: StreamException): string => exception._id.slice(exception.family.length + 1);

/** `dlq list <family> [--json] [--limit N]`: the family's parked streams, oldest first. */
export async function dlqListCommand(args: DlqListArgs, ctx: CliContext, io: Io): Promise<number> {
  const family = await ctx.family(args.family);
  const parked = await family.exceptions.listParked(args.limit);
  if (args.json) {
    printJson(io, { family: family.name, parked: parked.map((p) => ({ key: exceptionKey(p), ...p })) });
    return 0;
  }
  if (parked.length === 0) {
    io.out(`no parked streams in ${family.name}\n`);
    return 0;
  }
  io.out(
    formatTable(
      ['stream key', 'failed version', 'view', 'reason', 'held', 'parked at'],
      parked.map((p) => [exceptionKey(p), p.parked?.failedVersion, p.parked?.view, truncate(p.parked?.reason ?? '', 60), p.parked?.heldVersions.length ?? 0, p.parked?.parkedAt.toISOString()]),
    ),
  );
  if (parked.length === args.limit) io.err(`(first ${args.limit} shown; use --limit for more)\n`);
  return 0;
}
