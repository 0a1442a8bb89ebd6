import type { AnyBulkWriteOperation, Collection, Db, Document } from 'mongodb';
import { MongoBulkWriteError } from 'mongodb';
import type { DocumentProjection } from '@eventide/util';
import type { StreamRef } from '@eventide/event-store';
import { ProjectionFailure, type Loaded, type ProjectionSink, type StreamWrite, type WriteOutcome } from './projection-sink';
import { readModelCollection, readModelId } from './read-model-names';

interface ReadModelDoc extends Document {
  _id: string;
  tenant: string;
  version: number;
  /** A document the projection deleted: kept with its version, so no late writer can bring it back. */
  _deleted?: true;
}

function stripRuntimeFields(stored: ReadModelDoc): object {
  const doc: Record<string, unknown> = { ...stored };
  delete doc['_id'];
  delete doc['tenant'];
  delete doc['version'];
  return doc;
}

/**
 * A {@link DocumentProjection} in one MongoDB collection: one document per stream carrying the
 * version it has applied. A batch is one `find` and one unordered `bulkWrite`; every replace and
 * delete is conditioned on the version that was read, and a first document is an insert that
 * collides on `_id`, so a write that lost a race does nothing and is re-planned.
 */
export class MongoDocumentSink implements ProjectionSink {
  readonly view: string;
  readonly aggregateType: string;
  private readonly collection: Collection<ReadModelDoc>;

  constructor(
    db: Db,
    private readonly projection: DocumentProjection<object>,
    readonly generation: number,
  ) {
    this.view = projection.view;
    this.aggregateType = projection.aggregateType;
    this.collection = db.collection<ReadModelDoc>(readModelCollection(projection.view, generation));
  }

  async prepare(): Promise<void> {
    await this.collection.db.createCollection(this.collection.collectionName).catch((error: { code?: number }) => {
      if (error.code !== 48) throw error; // NamespaceExists
    });
    for (const index of this.projection.indexes) {
      await this.collection.createIndex(index.key, { name: index.name, unique: index.unique ?? false });
    }
  }

  async drop(): Promise<void> {
    await this.collection.drop().catch((error: { code?: number }) => {
      if (error.code !== 26) throw error; // NamespaceNotFound
    });
  }

  async load(streams: readonly { key: string; stream: StreamRef }[]): Promise<Map<string, Loaded>> {
    const ids = new Map(streams.map((s) => [readModelId(s.stream.tenant, s.stream.aggregateId), s.key]));
    const docs = await this.collection.find({ _id: { $in: [...ids.keys()] } }).toArray();
    const loaded = new Map<string, Loaded>(streams.map((s) => [s.key, { version: 0 }]));
    for (const doc of docs) {
      const key = ids.get(doc._id);
      if (key !== undefined) loaded.set(key, doc._deleted ? { version: doc.version, state: null } : { version: doc.version, state: stripRuntimeFields(doc) });
    }
    return loaded;
  }

  async write(writes: readonly StreamWrite[]): Promise<Map<string, WriteOutcome>> {
    const outcomes = new Map<string, WriteOutcome>();
    const operations: AnyBulkWriteOperation<ReadModelDoc>[] = [];
    const opKeys: string[] = [];
    for (const w of writes) {
      // Events before a failing one are still written, so the model stops exactly at the poison event.
      const { doc: folded, version, failure } = this.fold(w);
      outcomes.set(w.key, failure ? { kind: 'failed', failure } : { kind: 'applied' });
      if (version === w.loaded.version) continue;
      const _id = readModelId(w.stream.tenant, w.stream.aggregateId);
      const next: ReadModelDoc = folded === null ? { _id, tenant: w.stream.tenant, version, _deleted: true } : ({ ...folded, _id, tenant: w.stream.tenant, version } as ReadModelDoc);
      if (w.loaded.version === 0 && w.loaded.state === undefined) {
        if (folded === null) continue; // nothing to record yet
        operations.push({ insertOne: { document: next } });
      } else {
        operations.push({ replaceOne: { filter: { _id, version: w.loaded.version }, replacement: next } });
      }
      opKeys.push(w.key);
    }
    if (operations.length === 0) return outcomes;
    let unmatched = false;
    try {
      const result = await this.collection.bulkWrite(operations, { ordered: false, writeConcern: { w: 'majority' } });
      const conditional = operations.length - result.insertedCount;
      unmatched = result.matchedCount < conditional;
    } catch (error) {
      if (!(error instanceof MongoBulkWriteError)) throw error;
      const writeErrors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
      // A write-concern error means the writes may not be durable: never commit past them.
      if (writeErrors.length === 0 || error.result.getWriteConcernError()) throw error;
      for (const e of writeErrors) {
        const key = opKeys[e.index] as string;
        const onId = e.code === 11000 && Object.keys((e.err as { keyValue?: object }).keyValue ?? { _id: 1 }).every((k) => k === '_id');
        const version = writes.find((w) => w.key === key)?.events[0]?.version ?? 0;
        // A first insert that collided on _id lost a race; any other per-document error (too large,
        // a validator, a unique index) is this stream's alone: park it rather than wedge the partition.
        outcomes.set(key, onId ? { kind: 'moved' } : { kind: 'failed', failure: new ProjectionFailure(this.view, version, new Error(e.errmsg ?? `write error ${e.code}`)) });
      }
      const result = error.result;
      const conditional = operations.filter((o) => !('insertOne' in o)).length;
      unmatched = result.matchedCount < conditional - writeErrors.filter((e) => !('insertOne' in (operations[e.index] ?? {}))).length;
    }
    // Which conditional write missed is not reported per operation; re-planning them all is safe,
    // because the ones that did land now read as already applied.
    if (unmatched) operations.forEach((o, i) => (!('insertOne' in o) && outcomes.get(opKeys[i] as string)?.kind !== 'failed' ? outcomes.set(opKeys[i] as string, { kind: 'moved' }) : undefined));
    return outcomes;
  }

  private fold(w: StreamWrite): { doc: object | null; version: number; failure?: ProjectionFailure } {
    let doc = (w.loaded.state as object | undefined) ?? null;
    let version = w.loaded.version;
    for (const event of w.events) {
      if (!w.skipped.has(event.version)) {
        try {
          doc = this.projection.evolve(doc, event);
        } catch (error) {
          return { doc, version, failure: new ProjectionFailure(this.view, event.version, error) };
        }
      }
      version = event.version;
    }
    return { doc, version };
  }
}
