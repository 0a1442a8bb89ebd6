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
  // Majority read: never hand the publisher a commit a failover could still roll back.
  const docs = await guarded(() => events.find(filter, { sort: STREAM_ORDER, limit: options.limit, readConcern: { level: 'majority' } }).toArray());
  const blocked = await streamsWithEarlierPending(events, docs);
  return docs.filter((doc) => !blocked.has(streamOf(doc))).map((doc) => toCommit(doc, schemas));
}

const streamOf = (doc: Pick<CommitDoc, 'tenant' | 'aggregateType' | 'aggregateId'>) => JSON.stringify([doc.tenant, doc.aggregateType, doc.aggregateId]);

/**
 * A scan without a snapshot can miss a row inserted behind it while it runs, and return a stream's
 * v2 without its v1. Streams whose earliest commit in the batch has an older pending commit are
 * left for the next batch, so a stream's events are never sent out of order.
 */
async function streamsWithEarlierPending(events: Collection<CommitDoc>, docs: CommitDoc[]): Promise<Set<string>> {
  const earliest = new Map<string, CommitDoc>();
  for (const doc of docs) {
    const key = streamOf(doc);
    const seen = earliest.get(key);
    if (!seen || doc.fromVersion < seen.fromVersion) earliest.set(key, doc);
  }
  if (earliest.size === 0) return new Set();
  const older = await guarded(() =>
    events
      .find(
        {
          pending: true,
          $or: [...earliest.values()].map((d) => ({ tenant: d.tenant, aggregateType: d.aggregateType, aggregateId: d.aggregateId, fromVersion: { $lt: d.fromVersion } })),
        },
        { projection: { _id: 0, tenant: 1, aggregateType: 1, aggregateId: 1 }, readConcern: { level: 'majority' } },
      )
      .toArray(),
  );
  return new Set(older.map(streamOf));
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
