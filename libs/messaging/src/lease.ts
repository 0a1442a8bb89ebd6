import type { Collection } from 'mongodb';

interface LeaseDoc {
  _id: string;
  owner: string;
  expiresAt: Date;
}

/**
 * A named lease in MongoDB: at most one holder at a time, taken over only after it expires. Built
 * on one atomic findOneAndUpdate with upsert (the `_id` key resolves races), so it works without
 * transactions.
 */
export class MongoLease {
  constructor(
    private readonly collection: Collection<LeaseDoc>,
    readonly name: string,
    readonly owner: string,
    private readonly ttlMs: number,
  ) {}

  /** Takes or renews the lease; true while we hold it. */
  async tryAcquire(now = new Date()): Promise<boolean> {
    try {
      const doc = await this.collection.findOneAndUpdate(
        { _id: this.name, $or: [{ owner: this.owner }, { expiresAt: { $lt: now } }] },
        { $set: { owner: this.owner, expiresAt: new Date(now.getTime() + this.ttlMs) } },
        { upsert: true, returnDocument: 'after' },
      );
      return doc?.owner === this.owner;
    } catch (error) {
      // Someone else holds an unexpired lease: our upsert collided with their document.
      if ((error as { code?: number }).code === 11000) return false;
      throw error;
    }
  }

  async release(): Promise<void> {
    await this.collection.deleteOne({ _id: this.name, owner: this.owner });
  }
}
