import type { Collection, Db } from 'mongodb';
import type { StreamRef } from '@eventide/event-store';

/** Why and where a stream stopped: its first event the family could not apply. */
export interface ParkedInfo {
  failedVersion: number;
  view: string;
  reason: string;
  parkedAt: Date;
  /** The latest versions held back behind the failed one (also sent to the dead-letter topic), at most 1000. */
  heldVersions: number[];
  /** How many events were held in all (redeliveries count again). */
  heldCount?: number;
  /** Where the failed event was read, when it came from Kafka. */
  source?: { topic: string; partition: number; offset: string };
}

/** A stream the family treats specially: parked (held until an operator acts) and/or with skipped versions. */
export interface StreamException {
  _id: string;
  family: string;
  stream: StreamRef;
  parked?: ParkedInfo;
  /** Versions an operator chose to skip: they count as applied, without effect. */
  skipped?: number[];
  updatedAt: Date;
}

const HELD_KEPT = 1000;

/**
 * Per-stream exceptions of one projection family, in MongoDB. Parking is per aggregate: while a
 * stream is parked the runtime applies none of its events (so its order is never broken), and every
 * other stream keeps flowing. Holding an event behind a parked one is conditional on the stream
 * still being parked, so an operator's replay never races with a replica parking more.
 */
export class StreamExceptions {
  private readonly collection: Collection<StreamException>;

  constructor(
    db: Db,
    readonly family: string,
  ) {
    this.collection = db.collection<StreamException>('projection_streams');
  }

  private id(key: string): string {
    return `${this.family}|${key}`;
  }

  async ensureIndexes(): Promise<void> {
    await this.collection.createIndex({ family: 1, 'parked.parkedAt': 1 }, { name: 'family_parked' });
  }

  /** The exceptions of these streams (by stream key); streams without one are absent. */
  async forStreams(keys: readonly string[]): Promise<Map<string, StreamException>> {
    if (keys.length === 0) return new Map();
    const docs = await this.collection.find({ _id: { $in: keys.map((k) => this.id(k)) } }).toArray();
    const prefix = `${this.family}|`.length;
    return new Map(docs.map((d) => [d._id.slice(prefix), d]));
  }

  /** Parks a stream at its failed event (keeps the first failure if it is parked already). */
  async park(key: string, stream: StreamRef, info: Omit<ParkedInfo, 'parkedAt' | 'heldVersions'>, held: number[]): Promise<void> {
    const now = new Date();
    await this.collection.updateOne(
      { _id: this.id(key), parked: { $exists: false } },
      { $set: { family: this.family, stream, parked: { ...info, parkedAt: now, heldVersions: [], heldCount: 0 }, updatedAt: now } },
      { upsert: true },
    ).catch((error: { code?: number }) => {
      if (error.code !== 11000) throw error; // parked already: the first failure stays
    });
    if (held.length) await this.hold(key, held);
  }

  /** Records held versions if the stream is still parked; false when it no longer is. */
  async hold(key: string, versions: number[]): Promise<boolean> {
    const result = await this.collection.updateOne(
      { _id: this.id(key), parked: { $exists: true } },
      // Capped: a stream parked for long keeps receiving events, and the document must stay small.
      { $push: { 'parked.heldVersions': { $each: versions, $slice: -HELD_KEPT } }, $inc: { 'parked.heldCount': versions.length }, $set: { updatedAt: new Date() } },
    );
    return result.matchedCount === 1;
  }

  /** Replaces the failure a parked stream is parked with (a replay failed again). */
  async updateParked(key: string, info: Pick<ParkedInfo, 'failedVersion' | 'view' | 'reason'>): Promise<void> {
    await this.collection.updateOne(
      { _id: this.id(key), parked: { $exists: true } },
      { $set: { 'parked.failedVersion': info.failedVersion, 'parked.view': info.view, 'parked.reason': info.reason, updatedAt: new Date() } },
    );
  }

  /** Un-parks a stream (after a replay applied it). */
  async unpark(key: string): Promise<void> {
    await this.collection.updateOne({ _id: this.id(key) }, { $unset: { parked: '' }, $set: { updatedAt: new Date() } });
  }

  /** Records that `version` of the stream is to be skipped. */
  async skip(key: string, stream: StreamRef, version: number): Promise<void> {
    await this.collection.updateOne(
      { _id: this.id(key) },
      { $addToSet: { skipped: version }, $set: { family: this.family, stream, updatedAt: new Date() } },
      { upsert: true },
    );
  }

  /** Parked streams, oldest first. */
  listParked(limit = 1000): Promise<StreamException[]> {
    return this.collection.find({ family: this.family, parked: { $exists: true } }, { sort: { 'parked.parkedAt': 1 }, limit }).toArray();
  }

  countParked(): Promise<number> {
    return this.collection.countDocuments({ family: this.family, parked: { $exists: true } });
  }

  get(key: string): Promise<StreamException | null> {
    return this.collection.findOne({ _id: this.id(key) });
  }
}
