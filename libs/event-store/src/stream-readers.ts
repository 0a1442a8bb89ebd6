import type { Collection, Db, Filter } from 'mongodb';
import { guarded } from './event-store.errors';
import type { CommitDoc, StreamRef } from './event-store.types';
import { IdWalkStreamReader } from './id-walk.reader';
import { streamFilter } from './stream-key';

/**
 * How the store finds a stream's commits: `range` queries the stream fields (served by the `stream`
 * index on MongoDB), `id-walk` follows commit `_id`s one equality lookup at a time (the only filter
 * FerretDB 1.x on SQLite pushes down to storage), `auto` picks `id-walk` on FerretDB and `range` elsewhere.
 */
export type StreamReadStrategy = 'range' | 'id-walk' | 'auto';

/** Which commits of a stream to fetch: those holding versions `from..to`. */
export interface CommitRange {
  from: number;
  /** Last version wanted; `undefined` for the head. */
  to?: number;
  /** The caller drops events after this instant, so commits after the first later one are not needed. */
  until?: Date;
}

/** Finds a stream's commit documents and head; implemented once per {@link StreamReadStrategy}. */
export interface StreamReader {
  /** The commits holding the versions of `range` (and possibly some outside it), in version order. */
  commits(stream: StreamRef, range: CommitRange): Promise<CommitDoc[]>;
  /** The version of the stream's last event, 0 when it has none. */
  head(stream: StreamRef): Promise<number>;
  /** Told of each commit the store appends, so a later head lookup can start from it. */
  appended(stream: StreamRef, fromVersion: number): void;
}

/** Reads a stream with queries on its fields (one round trip, needs the `stream` index to be fast). */
export class RangeStreamReader implements StreamReader {
  constructor(private readonly events: Collection<CommitDoc>) {}

  commits(stream: StreamRef, range: CommitRange): Promise<CommitDoc[]> {
    const filter: Filter<CommitDoc> = { ...streamFilter(stream), toVersion: { $gte: range.from } };
    if (range.to !== undefined) filter.fromVersion = { $lte: range.to };
    return guarded(() => this.events.find(filter, { sort: { fromVersion: 1 } }).toArray());
  }

  async head(stream: StreamRef): Promise<number> {
    const head = await guarded(() =>
      this.events.findOne(streamFilter(stream), { sort: { fromVersion: -1 }, projection: { _id: 0, toVersion: 1 } }),
    );
    return head?.toVersion ?? 0;
  }

  appended(): void {
    // The stream index answers a head lookup in one round trip; nothing to remember.
  }
}

/** True when the server is FerretDB, which reports `ferretdbVersion` in `buildInfo`. */
export async function isFerretDb(db: Db): Promise<boolean> {
  const info = await guarded(() => db.admin().command({ buildInfo: 1 }));
  return typeof info['ferretdbVersion'] === 'string' || info['ferretdbFeatures'] !== undefined;
}

/**
 * The reader for `strategy`, resolving `auto` once, lazily, from the server's `buildInfo`. A failed
 * detection is not remembered, so the next read tries again.
 */
export function streamReaderFor(db: Db, events: Collection<CommitDoc>, strategy: StreamReadStrategy): () => Promise<StreamReader> {
  const range = new RangeStreamReader(events);
  const idWalk = new IdWalkStreamReader(events, range);
  if (strategy === 'range') return () => Promise.resolve(range);
  if (strategy === 'id-walk') return () => Promise.resolve(idWalk);
  let detected: Promise<StreamReader> | undefined;
  return () => {
    detected ??= isFerretDb(db).then(
      (ferret) => (ferret ? idWalk : range),
      (error: unknown) => {
        detected = undefined;
        throw error;
      },
    );
    return detected;
  };
}
