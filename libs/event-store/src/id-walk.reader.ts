import type { Collection } from 'mongodb';
import { BoundedLru } from './bounded-lru';
import { guarded } from './event-store.errors';
import type { CommitDoc, StreamRef } from './event-store.types';
import type { CommitRange, StreamReader } from './stream-readers';
import { commitId, streamKey } from './stream-key';

/** How many commit starts before a non-boundary version are probed (in parallel) before falling back. */
const PROBE_WINDOW = 8;
/** Streams whose last known commit start is remembered as a hint for head lookups. */
const HINT_CAPACITY = 10_000;

/**
 * Reads a stream by following commit `_id`s: the commit starting at `v` is `commitId(stream, v)`,
 * and the next one starts at its `toVersion + 1`. Every lookup is an `_id` equality, so its cost
 * does not grow with the collection on servers that push nothing else down (FerretDB 1.x on SQLite).
 * Starts that are not commit boundaries are found by probing a few earlier starts, else by `fallback`.
 */
export class IdWalkStreamReader implements StreamReader {
  /** Stream key to the start of a commit seen in it; commits are immutable, so it stays a boundary. */
  private readonly hints = new BoundedLru<string, number>(HINT_CAPACITY);

  constructor(
    private readonly events: Collection<CommitDoc>,
    private readonly fallback: StreamReader,
  ) {}

  async commits(stream: StreamRef, range: CommitRange): Promise<CommitDoc[]> {
    if (!Number.isSafeInteger(range.from)) return this.fallback.commits(stream, range);
    const first = await this.commitHolding(stream, Math.max(1, range.from));
    if (first === 'unknown') return this.fallback.commits(stream, range);
    const docs: CommitDoc[] = [];
    for (let doc = first; doc; doc = await this.lookup(stream, doc.toVersion + 1)) {
      docs.push(doc);
      if (range.to !== undefined && doc.toVersion >= range.to) break;
      if (range.until && occursAfter(doc, range.until, range.from)) break;
    }
    const last = docs.at(-1);
    if (last) this.remember(stream, last.fromVersion);
    return docs;
  }

  async head(stream: StreamRef): Promise<number> {
    const hint = this.hints.get(streamKey(stream));
    let doc = hint === undefined ? null : await this.bounds(stream, hint);
    doc ??= await this.bounds(stream, 1);
    if (!doc) return 0;
    for (let next = await this.bounds(stream, doc.toVersion + 1); next; next = await this.bounds(stream, next.toVersion + 1)) doc = next;
    this.remember(stream, doc.fromVersion);
    return doc.toVersion;
  }

  /** The commit holding version `v`; null when the stream has no such version; 'unknown' when probing gave up. */
  private async commitHolding(stream: StreamRef, v: number): Promise<CommitDoc | null | 'unknown'> {
    const exact = await this.lookup(stream, v);
    if (exact || v <= 1) return exact;
    const starts = Array.from({ length: Math.min(PROBE_WINDOW, v - 1) }, (_, i) => v - 1 - i);
    const probed = await Promise.all(starts.map((start) => this.lookup(stream, start)));
    // The nearest commit start below `v`: the commit holding `v`, if any, is this one.
    const nearest = probed.find((doc) => doc !== null);
    if (!nearest) return starts.at(-1) === 1 ? null : 'unknown';
    return nearest.toVersion >= v ? nearest : null;
  }

  private lookup(stream: StreamRef, fromVersion: number): Promise<CommitDoc | null> {
    return guarded(() => this.events.findOne({ _id: commitId(stream, fromVersion) }));
  }

  private bounds(stream: StreamRef, fromVersion: number): Promise<Pick<CommitDoc, 'fromVersion' | 'toVersion'> | null> {
    const projection = { _id: 0, fromVersion: 1, toVersion: 1 };
    return guarded(() => this.events.findOne<Pick<CommitDoc, 'fromVersion' | 'toVersion'>>({ _id: commitId(stream, fromVersion) }, { projection }));
  }

  appended(stream: StreamRef, fromVersion: number): void {
    this.remember(stream, fromVersion);
  }

  private remember(stream: StreamRef, fromVersion: number): void {
    this.hints.set(streamKey(stream), fromVersion);
  }
}

/** True when some event of the commit from version `from` on occurred after `until` (so nothing after it is returned). */
function occursAfter(doc: CommitDoc, until: Date, from: number): boolean {
  return doc.events.some((event) => event.version >= from && Date.parse(event.metadata.timestamp) > until.getTime());
}
