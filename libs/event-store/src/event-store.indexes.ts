import type { Collection, CreateIndexesOptions, IndexSpecification } from 'mongodb';
import { guarded } from './event-store.errors';
import type { CommitDoc } from './event-store.types';

interface IndexPlan {
  name: string;
  key: IndexSpecification;
  /** Only pending commits need to be in the index; a server without partial indexes indexes all. */
  pendingOnly?: boolean;
  /** Unique over the commits that have the field (see {@link ensureEventIndexes} for servers without partial indexes). */
  uniqueWhenPresent?: string;
}

/**
 * The indexes the store's queries need. `stream` serves one stream's reads (equality on all three
 * stream fields, ordered by version) and rebuild scans of an aggregate type (ordered by tenant,
 * aggregate id, version); `pending` serves the publisher's scan in stream order, optionally
 * filtered by partition on index keys alone; `pending-age` serves the backlog age metric.
 */
const EVENT_INDEXES: readonly IndexPlan[] = [
  { name: 'stream', key: { aggregateType: 1, tenant: 1, aggregateId: 1, fromVersion: 1 } },
  { name: 'pending', key: { pending: 1, tenant: 1, aggregateType: 1, aggregateId: 1, fromVersion: 1, partition: 1 }, pendingOnly: true },
  { name: 'pending-age', key: { pending: 1, committedAt: 1 }, pendingOnly: true },
  { name: 'idempotency', key: { tenant: 1, idempotencyKey: 1 }, uniqueWhenPresent: 'idempotencyKey' },
];

const PENDING_ONLY: CreateIndexesOptions = { partialFilterExpression: { pending: true } };

/** True when the server refused an index option it does not implement (FerretDB 1.x: partial indexes). */
const isUnsupportedOption = (error: unknown): boolean =>
  error instanceof Error && /not implemented|not supported|unsupported/i.test(error.message);

/**
 * Creates the commit collection's indexes (idempotent). Returns warnings about capabilities the
 * server lacks and how the store works around them, for the caller to report at start-up.
 */
export async function ensureEventIndexes(events: Collection<CommitDoc>): Promise<string[]> {
  const warnings: string[] = [];
  for (const plan of EVENT_INDEXES) {
    const options: CreateIndexesOptions = { name: plan.name };
    if (plan.uniqueWhenPresent) {
      const field = plan.uniqueWhenPresent;
      try {
        await guarded(() => events.createIndex(plan.key, { ...options, unique: true, partialFilterExpression: { [field]: { $exists: true } } }));
        continue;
      } catch (error) {
        if (!isUnsupportedOption(error)) throw error;
      }
      // FerretDB 1.x has no partial indexes, but its SQL backends keep a missing field out of
      // uniqueness (SQL NULLs are distinct), so a plain unique index means the same there
      // (append.int.spec.ts proves it on whichever server the suite runs against).
      await guarded(() => events.createIndex(plan.key, { ...options, unique: true }));
      continue;
    }
    if (plan.pendingOnly) {
      try {
        await guarded(() => events.createIndex(plan.key, { ...options, ...PENDING_ONLY }));
        continue;
      } catch (error) {
        if (!isUnsupportedOption(error)) throw error;
        warnings.push(`server has no partial indexes: index ${plan.name} covers published commits too`);
      }
    }
    await guarded(() => events.createIndex(plan.key, options));
  }
  return warnings;
}
