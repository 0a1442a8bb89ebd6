import type { StoredEvent, StreamRef } from '@eventide/event-store';

/** What a sink has applied of one stream. */
export interface Loaded {
  /** Last applied stream version, 0 for none. */
  version: number;
  /** Whatever the sink needs to write the next state (the current document for MongoDB). */
  state?: unknown;
}

/** One stream's events to write, continuing right after `loaded.version`. */
export interface StreamWrite {
  key: string;
  stream: StreamRef;
  loaded: Loaded;
  /** Contiguous versions after `loaded.version`; versions in `skipped` advance the position without effect. */
  events: StoredEvent[];
  skipped: ReadonlySet<number>;
}

/** The projection code itself refused an event (it threw): a candidate for the dead-letter topic. */
export class ProjectionFailure extends Error {
  override readonly name = 'ProjectionFailure';
  constructor(
    readonly view: string,
    readonly version: number,
    override readonly cause: unknown,
  ) {
    super(`${view} cannot apply version ${version}: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

export type WriteOutcome =
  | { kind: 'applied' }
  /** Someone else (another replica, a rebuild) moved the stream first: load again and re-plan. */
  | { kind: 'moved' }
  | { kind: 'failed'; failure: ProjectionFailure };

/**
 * Where one view of one generation is written. A sink conditions every write on the stream's
 * applied version, so a write either continues exactly where the model was or does nothing:
 * duplicates, redeliveries and zombie replicas cannot apply an event twice. Errors it throws
 * (rather than returns) are infrastructure errors: the batch is retried, never skipped.
 */
export interface ProjectionSink {
  readonly view: string;
  readonly aggregateType: string;
  load(streams: readonly { key: string; stream: StreamRef }[]): Promise<Map<string, Loaded>>;
  write(writes: readonly StreamWrite[]): Promise<Map<string, WriteOutcome>>;
  /** Creates what the sink needs (collections, indexes); idempotent. */
  prepare(): Promise<void>;
  /** Deletes everything the sink wrote (used when a generation is retired). */
  drop(): Promise<void>;
}
