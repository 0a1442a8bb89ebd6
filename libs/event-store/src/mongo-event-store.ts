import type { Collection, Db, Filter, WriteConcernSettings } from 'mongodb';
import { toCommit, toCommitDoc, toStoredEvents } from './commit.mapper';
import { EventSchemaRegistry } from './event-schema.registry';
import { ConcurrencyError, DuplicateCommandError, guarded, isDuplicateKey, translateStoreError } from './event-store.errors';
import { ensureEventIndexes } from './event-store.indexes';
import type { AppendContext, Commit, CommitDoc, NewEvent, StoredEvent, StreamRef } from './event-store.types';
import { findPendingCommits, markCommitsPublished, pendingCommitStats, type FindPendingOptions, type PendingStats } from './pending-commits';
import { BoundedLru } from './bounded-lru';
import { assertStreamRef, assertVersion, streamKey } from './stream-key';
import { streamReaderFor, type StreamReader, type StreamReadStrategy } from './stream-readers';

export interface MongoEventStoreOptions {
  /** Collection of commit documents; default `events`. */
  collectionName?: string;
  /** Current schema versions and upcasters of event types; default: every type at version 1. */
  schemas?: EventSchemaRegistry;
  /** Publisher partition of an aggregate, stored on each commit; default `() => 0`. */
  partitionOf?: (aggregateId: string) => number;
  /** Write concern of appends; default majority and journaled, so an acknowledged append survives a crash. */
  writeConcern?: WriteConcernSettings;
  /** Source of `committedAt`; default the system clock. */
  clock?: () => Date;
  /**
   * How stream reads and head lookups find a stream's commits; default `auto`: `id-walk` on FerretDB
   * (detected once from `buildInfo`), whose SQLite backend scans the collection for any filter but
   * `_id` equality, and `range` on MongoDB. Both return the same results.
   */
  streamReads?: StreamReadStrategy;
  /**
   * Streams whose last seen commit end this store remembers (default 10,000; 0 none). An append
   * from a remembered commit end needs no head lookup: see {@link MongoEventStore.append}.
   */
  knownBoundaries?: number;
}

export interface AppendOptions {
  /**
   * The caller promises `expectedVersion` is a head it read (a commit boundary), so the store
   * skips its own head check and relies on the commit key collision alone.
   */
  expectedVersionIsHead?: boolean;
}

export interface AppendResult {
  commitId: string;
  fromVersion: number;
  toVersion: number;
  events: StoredEvent[];
}

export interface ReadStreamOptions {
  /** First version to return; default 1. */
  fromVersion?: number;
  /** Last version to return; default the head. */
  toVersion?: number;
  /** Stop before the first event that occurred after this instant (temporal queries). */
  untilTimestamp?: Date;
}

export interface ReadAllOptions {
  tenant?: string;
  /** Commits fetched per round trip; default 500. */
  batchSize?: number;
}

/**
 * Event store on MongoDB (or a wire-compatible server without transactions, such as FerretDB):
 * one document per append in one collection, so an append is atomic (G1) and two appends from
 * the same version collide on the document key (G2).
 */
export class MongoEventStore {
  private readonly events: Collection<CommitDoc>;
  private readonly schemas: EventSchemaRegistry;
  private readonly partitionOf: (aggregateId: string) => number;
  private readonly writeConcern: WriteConcernSettings;
  private readonly clock: () => Date;
  private readonly reader: () => Promise<StreamReader>;
  /** Stream key to the `toVersion` of a commit seen in it (appended or read), the latest one seen. */
  private readonly boundaries: BoundedLru<string, number>;

  constructor(db: Db, options: MongoEventStoreOptions = {}) {
    this.events = db.collection<CommitDoc>(options.collectionName ?? 'events');
    this.schemas = options.schemas ?? new EventSchemaRegistry();
    this.partitionOf = options.partitionOf ?? (() => 0);
    // Bounded: without wtimeout an append would hang while a majority of the replica set is away.
    this.writeConcern = options.writeConcern ?? { w: 'majority', journal: true, wtimeoutMS: 5000 };
    this.clock = options.clock ?? (() => new Date());
    this.reader = streamReaderFor(db, this.events, options.streamReads ?? 'auto');
    this.boundaries = new BoundedLru(options.knownBoundaries ?? 10_000);
  }

  /** Creates the indexes the store needs (idempotent); returns warnings about missing server features. */
  ensureIndexes(): Promise<string[]> {
    return ensureEventIndexes(this.events);
  }

  /**
   * Appends all `events` as one commit after `expectedVersion` (0: the stream must not exist yet).
   *
   * The commit's key is its stream and first version, so of two appends from the same commit end
   * only one can land. That alone settles a race whenever `expectedVersion` is known to end a
   * commit: 0, a commit end this store appended or read (commits are immutable, so it stays one),
   * or one the caller vouches for (`expectedVersionIsHead`). Only an unknown `expectedVersion`,
   * which could fall inside a commit or beyond the head, costs a head lookup first. (A process that
   * outlives a restore of the events collection from an older backup must therefore be restarted.)
   *
   * Throws {@link ConcurrencyError} when the stream's head is not `expectedVersion`,
   * {@link DuplicateCommandError} when a commit of the tenant already has `context.idempotencyKey`,
   * and StoreUnavailableError when the server cannot be reached.
   */
  async append(
    stream: StreamRef,
    expectedVersion: number,
    events: readonly NewEvent[],
    context: AppendContext,
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    assertStreamRef(stream);
    assertVersion(expectedVersion, 'expectedVersion');
    const doc = toCommitDoc({
      stream,
      fromVersion: expectedVersion + 1,
      events,
      context,
      committedAt: this.clock(),
      partition: this.partitionOf(stream.aggregateId),
      schemas: this.schemas,
    });
    const key = streamKey(stream);
    const knownEnd = expectedVersion === 0 || options.expectedVersionIsHead === true || this.boundaries.get(key) === expectedVersion;
    if (!knownEnd) {
      const head = await this.streamVersion(stream);
      if (head !== expectedVersion) throw new ConcurrencyError(expectedVersion, head);
    }
    try {
      await this.events.insertOne(doc, { writeConcern: this.writeConcern });
    } catch (error) {
      if (!isDuplicateKey(error)) throw translateStoreError(error);
      // Either key may have collided; the earlier command wins over the version race, because
      // whatever the head is now, this command must not take effect a second time.
      const earlier = doc.idempotencyKey === undefined ? undefined : await this.findByIdempotencyKey(stream.tenant, doc.idempotencyKey);
      if (earlier) throw new DuplicateCommandError(earlier);
      const head = await this.streamVersion(stream).catch(() => undefined);
      if (head !== undefined) this.learnCommitEnd(key, head);
      throw new ConcurrencyError(expectedVersion, head);
    }
    this.learnCommitEnd(key, doc.toVersion);
    this.reader().then((reader) => reader.appended(stream, doc.fromVersion), () => undefined);
    return { commitId: doc._id, fromVersion: doc.fromVersion, toVersion: doc.toVersion, events: toStoredEvents(doc, this.schemas) };
  }

  /** Remembers `version` as the stream's latest known commit end (every one seen is one; the latest saves most lookups). */
  private learnCommitEnd(key: string, version: number): void {
    const known = this.boundaries.get(key);
    if (known === undefined || version > known) this.boundaries.set(key, version);
  }

  /** The commit appended with this idempotency key in this tenant, if any. */
  async findByIdempotencyKey(tenant: string, idempotencyKey: string): Promise<Commit | undefined> {
    const doc = await guarded(() => this.events.findOne({ tenant, idempotencyKey }));
    return doc ? toCommit(doc, this.schemas) : undefined;
  }

  /** The stream's current version: the version of its last event, 0 when it has none. */
  async streamVersion(stream: StreamRef): Promise<number> {
    assertStreamRef(stream);
    return (await this.reader()).head(stream);
  }

  /** The stream's events in version order, upcast to current schema versions. */
  async readStream(stream: StreamRef, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    assertStreamRef(stream);
    const from = options.fromVersion ?? 1;
    const to = options.toVersion ?? Number.MAX_SAFE_INTEGER;
    const reader = await this.reader();
    const docs = await reader.commits(stream, { from, to: options.toVersion, until: options.untilTimestamp });
    const last = docs.at(-1);
    if (last) this.learnCommitEnd(streamKey(stream), last.toVersion);
    const events = docs.flatMap((doc) => toStoredEvents(doc, this.schemas)).filter((e) => e.version >= from && e.version <= to);
    if (!options.untilTimestamp) return events;
    const until = options.untilTimestamp.getTime();
    const firstLater = events.findIndex((e) => Date.parse(e.metadata.timestamp) > until);
    return firstLater < 0 ? events : events.slice(0, firstLater);
  }

  /** The stream as it was at `asOf`: its events up to the first one that occurred later. */
  readStreamUntil(stream: StreamRef, asOf: Date): Promise<StoredEvent[]> {
    return this.readStream(stream, { untilTimestamp: asOf });
  }

  /**
   * Every event of an aggregate type (optionally of one tenant), each stream's in version order,
   * streamed from a cursor for rebuilds.
   */
  readAllOfType(aggregateType: string, options: ReadAllOptions = {}): AsyncGenerator<StoredEvent> {
    return this.readAllOfTypes([aggregateType], options);
  }

  /**
   * Every event of several aggregate types (optionally of one tenant) in one pass, for rebuilds of a
   * family following them all: ordered by aggregate type, tenant, aggregate id and version, so each
   * stream's events come out contiguous and in version order.
   *
   * One query for all the types on every server, whatever the stream reader. On MongoDB the filter
   * and sort are the `stream` index's prefix, so it is an ordered index scan. FerretDB 1.x on SQLite
   * does not push `$in` (nor any filter but `_id` equality) down: each query scans the whole table,
   * so one query instead of one per type is the gain. Measured there (1,050 commits of the two
   * followed types, median of 11): `$in` sorted 252 ms, unfiltered sorted 254 ms, one filtered
   * find per type 402 ms; with as many commits of an unfollowed type besides, `$in` 429 ms against
   * 561 ms unfiltered (FerretDB drops them before encoding and sending them), hence `$in` rather than
   * an unfiltered read skipping unfollowed types here.
   */
  async *readAllOfTypes(aggregateTypes: readonly string[], options: ReadAllOptions = {}): AsyncGenerator<StoredEvent> {
    const types = [...new Set(aggregateTypes)];
    if (types.length === 0) return;
    const filter: Filter<CommitDoc> = { aggregateType: types.length === 1 ? types[0] : { $in: types } };
    if (options.tenant !== undefined) filter.tenant = options.tenant;
    const sort = { aggregateType: 1, tenant: 1, aggregateId: 1, fromVersion: 1 } as const;
    const cursor = this.events.find(filter, { sort, batchSize: options.batchSize ?? 500 });
    try {
      for (;;) {
        const doc = await guarded(() => cursor.next());
        if (!doc) return;
        yield* toStoredEvents(doc, this.schemas);
      }
    } finally {
      await cursor.close().catch(() => undefined);
    }
  }

  /**
   * Unpublished commits in stream order (each stream's come out as a prefix, in version order).
   * A bare number is the limit, which makes the store usable directly as the publisher's outbox.
   */
  findPending(options: number | FindPendingOptions): Promise<Commit[]> {
    return findPendingCommits(this.events, this.schemas, typeof options === 'number' ? { limit: options } : options);
  }

  /** Marks commits as sent to the broker, so the publisher no longer finds them. */
  markPublished(commitIds: readonly string[]): Promise<void> {
    return markCommitsPublished(this.events, commitIds);
  }

  /** Size and age of the unpublished backlog, for metrics. */
  pendingStats(): Promise<PendingStats> {
    return pendingCommitStats(this.events);
  }
}
