import type { Collection, Filter } from 'mongodb';
import { toCommit } from './commit.mapper';
import type { EventSchemaRegistry } from './event-schema.registry';
import { guarded } from './event-store.errors';
import type { Commit, CommitDoc } from './event-store.types';

/** Which unpublished commits to fetch. */
export interface FindPendingOptions {
  /** Only commits of these partitions (all when omitted). */
  partitions?: number[];
  limit: number;
}

/** Size and age of the unpublished backlog. */
export interface PendingStats {
  count: number;
  /** Commit time of the oldest unpublished commit; null when nothing is pending. */
  oldestCommittedAt: Date | null;
}

/** Stream order: a stream's pending commits come out as a prefix, in version order. */
const STREAM_ORDER = { tenant: 1, aggregateType: 1, aggregateId: 1, fromVersion: 1 } as const;

export async function findPendingCommits(
  events: Collection<CommitDoc>,
  schemas: EventSchemaRegistry,
  options: FindPendingOptions,
): Promise<Commit[]> {
  if (!Number.isSafeInteger(options.limit) || options.limit < 1) throw new TypeError('limit must be a positive integer');
  const filter: Filter<CommitDoc> = { pending: true };
  if (options.partitions) filter.partition = { $in: options.partitions };
  const docs = await guarded(() => events.find(filter, { sort: STREAM_ORDER, limit: options.limit }).toArray());
  return docs.map((doc) => toCommit(doc, schemas));
}

export async function markCommitsPublished(events: Collection<CommitDoc>, commitIds: readonly string[]): Promise<void> {
  if (commitIds.length === 0) return;
  await guarded(() => events.updateMany({ _id: { $in: [...commitIds] }, pending: true }, { $unset: { pending: '' } }));
}

export async function pendingCommitStats(events: Collection<CommitDoc>): Promise<PendingStats> {
  const [count, oldest] = await guarded(() =>
    Promise.all([
      events.countDocuments({ pending: true }),
      events.findOne({ pending: true }, { sort: { committedAt: 1 }, projection: { _id: 0, committedAt: 1 } }),
    ]),
  );
  return { count, oldestCommittedAt: oldest?.committedAt ?? null };
}
