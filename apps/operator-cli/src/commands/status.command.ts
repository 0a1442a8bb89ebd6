import { familyStatus, type FamilyStatus } from '@eventide/projections';
import type { Invocation } from '../args';
import type { CliContext } from '../context';
import { printJson, type Io } from '../io';
import { formatPairs, formatTable } from '../table';

type StatusArgs = Extract<Invocation, { command: 'status' }>;

const iso = (date: Date | string | undefined) => (date ? new Date(date).toISOString() : undefined);

/** Human-readable status of one family: summary lines, then its partitions. */
export function formatStatus(status: FamilyStatus): string {
  const g = status.generations;
  const building = g?.building ? `${g.building.generation} (backfilled ${g.building.backfilled} events, started ${iso(g.building.startedAt)})` : 'none';
  const summary = formatPairs([
    ['active generation', g ? `${g.active}${g.activeComplete ? ' (complete)' : ' (not yet complete)'}` : 'none yet (created at 1 when a replica starts)'],
    ['building', building],
    ['retiring', g?.retiring ? `${g.retiring.generation} (since ${iso(g.retiring.since)})` : 'none'],
    ['group state', status.groupState],
    ['members', status.members.length],
    ['total lag', status.totalLag],
    ['parked streams', status.parked],
  ]);
  const partitions = status.partitions.length
    ? formatTable(
        ['topic', 'partition', 'committed', 'end', 'lag', 'owner member'],
        [...status.partitions].sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition).map((p) => [p.topic, p.partition, p.committed < 0 ? null : p.committed, p.end, p.lag, p.owner]),
      )
    : '  (none of its topics exist yet)\n';
  return `${status.name}  (consumer group ${status.groupId})\n${summary}\n${partitions}`;
}

/** `status [family] [--json]`: generations, group, lag and parked streams of each family. */
export async function statusCommand(args: StatusArgs, ctx: CliContext, io: Io): Promise<number> {
  const admin = await ctx.admin();
  const statuses: FamilyStatus[] = [];
  for (const name of args.families) statuses.push(await familyStatus(admin, await ctx.family(name)));
  if (args.json) printJson(io, { families: statuses });
  else io.out(statuses.map(formatStatus).join('\n'));
  return 0;
}
