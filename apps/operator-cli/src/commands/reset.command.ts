import { resetOffsets, type ResetTarget } from '@eventide/projections';
import type { Invocation } from '../args';
import type { CliContext } from '../context';
import type { Io } from '../io';

type ResetArgs = Extract<Invocation, { command: 'reset' }>;

/**
 * `earliest`/`latest` as points in time, so the group gets real offsets. kafkajs's own reset
 * commits the sentinels -2/-1, which a consumer treats as "no offset" and resolves with its own
 * `fromBeginning` (true for projectors): `latest` would replay everything. By time, kafkajs resolves
 * the first offset at or after the time, or the partition's end when there is none.
 */
export function explicitTarget(to: ResetTarget): Date {
  if (to === 'earliest') return new Date(0);
  if (to === 'latest') return new Date(8.64e15); // the latest time a Date can hold
  return to;
}

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
  await resetOffsets(admin, family, explicitTarget(args.to));
  const target = args.to instanceof Date ? args.to.toISOString() : args.to;
  io.out(`reset ${family.groupId} to ${target} on ${family.topics.join(', ')}\n`);
  return 0;
}
