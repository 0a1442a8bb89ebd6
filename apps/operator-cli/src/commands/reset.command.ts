import { resetOffsets } from '@eventide/projections';
import type { Invocation } from '../args';
import type { CliContext } from '../context';
import type { Io } from '../io';

type ResetArgs = Extract<Invocation, { command: 'reset' }>;

/**
 * `reset <family> --to earliest|latest|<time>`: moves the family's consumer group. Kafka refuses
 * while the group has members, and the library says how to get out of that.
 */
export async function resetCommand(args: ResetArgs, ctx: CliContext, io: Io): Promise<number> {
  const family = await ctx.family(args.family);
  const admin = await ctx.admin();
  const existing = new Set(await admin.listTopics());
  const missing = family.topics.filter((t) => !existing.has(t));
  if (missing.length) throw new Error(`topic(s) ${missing.join(', ')} do not exist yet (has ${family.name} ever run?); nothing to reset`);
  await resetOffsets(admin, family, args.to);
  const target = args.to instanceof Date ? args.to.toISOString() : args.to;
  io.out(`reset ${family.groupId} to ${target} on ${family.topics.join(', ')}\n`);
  return 0;
}
