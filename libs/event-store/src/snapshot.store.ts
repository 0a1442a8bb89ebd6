import type { Collection, Db } from 'mongodb';
import { guarded, isDuplicateKey } from './event-store.errors';
import type { StreamRef } from './event-store.types';
import { assertStreamRef, snapshotId } from './stream-key';

/** A saved aggregate state and the stream version it reflects (storage format). */
export interface SnapshotDoc {
  _id: string;
  version: number;
  /** Shape of `state`; a snapshot whose schema differs from the reader's is ignored. */
  stateSchema: string | number;
  state: unknown;
  takenAt: Date;
}

/** A stream's latest snapshot as read back. */
export interface Snapshot<S = unknown> {
  version: number;
  stateSchema: string | number;
  state: S;
  takenAt: Date;
}

export interface SnapshotStoreOptions {
  /** Collection of snapshot documents; default `snapshots`. */
  collectionName?: string;
  clock?: () => Date;
}

/** One snapshot per stream, replaced only by a newer one. Snapshots are a cache: losing one loses nothing. */
export class SnapshotStore {
  private readonly snapshots: Collection<SnapshotDoc>;
  private readonly clock: () => Date;

  constructor(db: Db, options: SnapshotStoreOptions = {}) {
    this.snapshots = db.collection<SnapshotDoc>(options.collectionName ?? 'snapshots');
    this.clock = options.clock ?? (() => new Date());
  }

  /** The stream's snapshot when one exists in `stateSchema`, else null. */
  async load<S>(stream: StreamRef, stateSchema: string | number): Promise<Snapshot<S> | null> {
    assertStreamRef(stream);
    const doc = await guarded(() => this.snapshots.findOne({ _id: snapshotId(stream) }));
    if (!doc || doc.stateSchema !== stateSchema) return null;
    return { version: doc.version, stateSchema: doc.stateSchema, state: doc.state as S, takenAt: doc.takenAt };
  }

  /**
   * Saves the state at `version` unless a snapshot of the same or a later version is already
   * stored (then it does nothing). Returns whether it wrote.
   */
  async save(stream: StreamRef, version: number, stateSchema: string | number, state: unknown): Promise<boolean> {
    assertStreamRef(stream);
    const _id = snapshotId(stream);
    try {
      const result = await guarded(() =>
        this.snapshots.replaceOne(
          { _id, version: { $lt: version } },
          { version, stateSchema, state, takenAt: this.clock() },
          { upsert: true, ignoreUndefined: true },
        ),
      );
      return result.modifiedCount + result.upsertedCount > 0;
    } catch (error) {
      // The filter missed because a newer snapshot exists, so the upsert collided with it.
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }
}
