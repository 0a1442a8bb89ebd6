import type { Collection, Db } from 'mongodb';

/** A generation being built beside the live one. */
export interface BuildingGeneration {
  generation: number;
  startedAt: Date;
  /** Events written by the backfill so far (progress). */
  backfilled: number;
}

/** Which generations of a projection family exist and which one queries read. */
export interface GenerationsDoc {
  _id: string;
  /** Bumped by every change; replicas acknowledge the epoch they write by. */
  epoch: number;
  /** The generation queries read and replicas write. */
  active: number;
  /** True once the active generation holds everything the event store held when it was built. */
  activeComplete: boolean;
  building?: BuildingGeneration;
  /** The previous generation, kept until every replica has stopped writing it, then dropped. */
  retiring?: { generation: number; since: Date };
  /** Kafka group member id -> the epoch it writes by. */
  acks: Record<string, number>;
  updatedAt: Date;
}

/** The generations a replica must write: the active one and, during a rebuild, the next. */
export const writeGenerations = (doc: GenerationsDoc): number[] =>
  doc.building ? [doc.active, doc.building.generation] : [doc.active];

/**
 * The generations of projection families, one document per family in MongoDB. A rebuild writes a
 * new generation beside the live one and switches `active` in one update, so readers move from
 * one complete model to the next with nothing in between.
 */
export class GenerationRegistry {
  private readonly collection: Collection<GenerationsDoc>;

  constructor(db: Db) {
    this.collection = db.collection<GenerationsDoc>('projection_generations');
  }

  /** The family's document, created at generation 1 the first time. */
  async ensure(family: string): Promise<GenerationsDoc> {
    const doc = await this.collection.findOneAndUpdate(
      { _id: family },
      { $setOnInsert: { epoch: 1, active: 1, activeComplete: false, acks: {}, updatedAt: new Date() } },
      { upsert: true, returnDocument: 'after' },
    ).catch(async (error: { code?: number }) => {
      if (error.code !== 11000) throw error;
      return this.collection.findOne({ _id: family });
    });
    if (!doc) throw new Error(`projection family ${family} has no generations document`);
    return doc;
  }

  read(family: string): Promise<GenerationsDoc | null> {
    return this.collection.findOne({ _id: family });
  }

  list(): Promise<GenerationsDoc[]> {
    return this.collection.find({}).sort({ _id: 1 }).toArray();
  }

  /** Records that a group member writes by `epoch` (never moves an acknowledgement back). */
  async ack(family: string, memberId: string, epoch: number): Promise<void> {
    await this.collection.updateOne({ _id: family }, { $max: { [`acks.${memberId}`]: epoch } });
  }

  /** Forgets acknowledgements of members that have left the group (each restart joins as a new member). */
  async pruneAcks(family: string, members: readonly string[]): Promise<void> {
    const doc = await this.read(family);
    const gone = Object.keys(doc?.acks ?? {}).filter((m) => !members.includes(m));
    if (gone.length) await this.collection.updateOne({ _id: family }, { $unset: Object.fromEntries(gone.map((m) => [`acks.${m}`, ''])) });
  }

  async markActiveComplete(family: string, generation: number): Promise<void> {
    await this.collection.updateOne({ _id: family, active: generation }, { $set: { activeComplete: true, updatedAt: new Date() } });
  }

  /** Starts building the next generation, or returns the one already being built (a rebuild resumes). */
  async beginBuild(family: string): Promise<GenerationsDoc> {
    const current = await this.ensure(family);
    if (current.building) return current;
    if (current.retiring) throw new Error(`generation ${current.retiring.generation} of ${family} is still being retired; run the rebuild again once it is dropped`);
    const building: BuildingGeneration = { generation: current.active + 1, startedAt: new Date(), backfilled: 0 };
    const doc = await this.collection.findOneAndUpdate(
      { _id: family, epoch: current.epoch },
      { $set: { building, updatedAt: new Date() }, $inc: { epoch: 1 } },
      { returnDocument: 'after' },
    );
    return doc ?? this.beginBuild(family);
  }

  async reportBackfill(family: string, generation: number, backfilled: number): Promise<void> {
    await this.collection.updateOne({ _id: family, 'building.generation': generation }, { $set: { 'building.backfilled': backfilled } });
  }

  /** Makes the built generation the active one in one update; the old one starts retiring. */
  async switchTo(family: string, generation: number): Promise<GenerationsDoc> {
    const current = await this.ensure(family);
    if (current.active === generation) return current;
    const doc = await this.collection.findOneAndUpdate(
      { _id: family, 'building.generation': generation },
      {
        $set: { active: generation, activeComplete: true, retiring: { generation: current.active, since: new Date() }, updatedAt: new Date() },
        $unset: { building: '' },
        $inc: { epoch: 1 },
      },
      { returnDocument: 'after' },
    );
    if (!doc) throw new Error(`generation ${generation} of ${family} is not being built`);
    return doc;
  }

  async finishRetiring(family: string, generation: number): Promise<void> {
    await this.collection.updateOne({ _id: family, 'retiring.generation': generation }, { $unset: { retiring: '' }, $inc: { epoch: 1 }, $set: { updatedAt: new Date() } });
  }

  /** Abandons a build (its generation must then be dropped). */
  async abortBuild(family: string, generation: number): Promise<void> {
    await this.collection.updateOne({ _id: family, 'building.generation': generation }, { $unset: { building: '' }, $inc: { epoch: 1 }, $set: { updatedAt: new Date() } });
  }
}
