import { replay, type Decider } from '@eventide/util';
import { ConcurrencyError, isConcurrencyError, isDuplicateCommand } from './event-store.errors';
import type { AppendContext, Commit, NewEvent, StoredEvent, StreamRef } from './event-store.types';
import type { MongoEventStore } from './mongo-event-store';
import { DEFAULT_RETRY_POLICY, retryDelayMs, sleep, type RetryPolicy } from './retry-backoff';
import type { SnapshotStore } from './snapshot.store';
import { BoundedLru } from './bounded-lru';
import { streamKey } from './stream-key';

/** A domain event in the shape the store takes and gives back as is. */
export interface TypedEvent {
  type: string;
  data: Record<string, unknown>;
}

export interface LoadOptions<E, S> {
  /**
   * Shape of the state (default: the repository's `snapshotSchemas[aggregateType]`). Snapshots are
   * read and written only when there is one, and only in it: change it whenever the state's shape changes.
   */
  snapshotSchema?: string | number;
  /** Stored event to domain event; default `{ type, data }`. */
  fromStored?: (event: StoredEvent) => E;
  /** State to snapshot document and back; default the state itself (it must be BSON-friendly). */
  toSnapshot?: (state: S) => unknown;
  fromSnapshot?: (stored: unknown) => S;
  /** Temporal load: the state as of this version (no snapshot newer than it is used). */
  atVersion?: number;
  /** Temporal load: the state from the events that occurred up to this instant (no snapshot). */
  asOf?: Date;
}

export interface HandleOptions<E, S> extends Omit<LoadOptions<E, S>, 'atVersion' | 'asOf'> {
  context: AppendContext;
  /** The version the client saw (`If-Match`); when the stream is elsewhere, fail at once without retry. */
  expectedVersion?: number;
  /** Domain event to event to append; default `{ type, data }`. */
  toNewEvent?: (event: E) => NewEvent;
  /**
   * An earlier attempt of this command (same `context.idempotencyKey`) may have appended before
   * its process died: look for its commit first and, when there is one, answer with it instead of
   * deciding again. Without this, such a commit is still found when the append collides with it,
   * but a decider that now refuses the command (the order exists already) would answer first.
   */
  resumed?: boolean;
  /**
   * The caller expects a new stream (a create under a fresh id): decide on the initial state and
   * append at version 0 without reading. If the stream exists after all, the append collides and
   * the command is decided on the store, as without this hint.
   */
  expectNew?: boolean;
}

export interface LoadedAggregate<S> {
  state: S;
  /** Version of the last event folded into `state` (0 for a new stream). */
  version: number;
}

export interface HandleResult<S> {
  /** The appended events ([] when the command changed nothing). */
  events: StoredEvent[];
  fromVersion: number;
  toVersion: number;
  state: S;
  /** The stream appended to: the one handled, or for a replay the earlier attempt's (a create may have chosen another id). */
  stream: StreamRef;
  /** True when the events are those of an earlier attempt with the same idempotency key; nothing was appended now. */
  replayed?: true;
}

export interface AggregateRepositoryOptions {
  /** Where snapshots live; without one, every load replays the whole stream. */
  snapshots?: SnapshotStore;
  /** State schema per aggregate type, used when a call gives no `snapshotSchema`. */
  snapshotSchemas?: Record<string, string | number>;
  /** Snapshot after an append crosses a multiple of this many events; default 50, 0 never. */
  snapshotEvery?: number;
  retry?: Partial<RetryPolicy>;
  /**
   * Aggregates whose state after their last command this repository keeps in memory (default
   * 10,000; 0 none). See {@link AggregateRepository.handle} for why a stale entry is harmless.
   */
  cacheSize?: number;
  /** Injected for tests; default a timer and Math.random. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/** A state this repository decided on or loaded, at the commit end `version`, for the decider that folded it. */
interface CachedAggregate {
  decider: object;
  state: unknown;
  version: number;
}

const defaultFromStored = <E>(event: StoredEvent): E => ({ type: event.type, data: event.data }) as E;
const defaultToNewEvent = <E>(event: E): NewEvent => {
  const { type, data } = event as TypedEvent;
  return { type, data };
};

/**
 * Loads aggregates (latest snapshot plus the events after it) and handles commands with
 * optimistic concurrency: load, decide, append from the loaded head; on a lost race reload and
 * decide again, a bounded number of times (G2). Generic over any {@link Decider}.
 */
export class AggregateRepository {
  private readonly snapshotEvery: number;
  private readonly retry: RetryPolicy;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly snapshots: SnapshotStore | undefined;
  private readonly snapshotSchemas: Readonly<Record<string, string | number>>;
  private readonly cache: BoundedLru<string, CachedAggregate>;

  constructor(
    private readonly store: MongoEventStore,
    options: AggregateRepositoryOptions = {},
  ) {
    this.snapshots = options.snapshots;
    this.snapshotSchemas = options.snapshotSchemas ?? {};
    this.snapshotEvery = options.snapshotEvery ?? 50;
    this.retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.sleep = options.sleep ?? sleep;
    this.random = options.random ?? Math.random;
    this.cache = new BoundedLru(options.cacheSize ?? 10_000);
  }

  /** The aggregate's state and version: snapshot (if usable) plus a replay of the later events. */
  async load<C, E, S>(decider: Decider<C, E, S>, stream: StreamRef, options: LoadOptions<E, S> = {}): Promise<LoadedAggregate<S>> {
    const fromStored = options.fromStored ?? defaultFromStored<E>;
    let state = decider.initialState();
    let version = 0;
    const schema = this.snapshotSchemaFor(stream, options);
    if (this.snapshots && schema !== undefined && options.asOf === undefined) {
      const snapshot = await this.snapshots.load(stream, schema);
      if (snapshot && (options.atVersion === undefined || snapshot.version <= options.atVersion)) {
        state = options.fromSnapshot ? options.fromSnapshot(snapshot.state) : (snapshot.state as S);
        version = snapshot.version;
      }
    }
    const tail = await this.store.readStream(stream, { fromVersion: version + 1, toVersion: options.atVersion, untilTimestamp: options.asOf });
    state = replay(decider, tail.map(fromStored), state);
    return { state, version: tail.at(-1)?.version ?? version };
  }

  /**
   * Decides `command` against the current state and appends the outcome.
   *
   * The state comes from this repository's cache when it holds the aggregate, as Axon's caching
   * repository does: no read at all. That state may be stale (another replica appended since), but
   * it is at a commit end, so an append decided on it lands only if nothing was appended after it;
   * otherwise it collides on the commit key. Only a cached decision that appends is trusted that way:
   * if the cached state would refuse the command, change nothing, or disagree with `expectedVersion`,
   * or its append collides, the aggregate is read from the store and decided again, as without a cache. Throws the decider's
   * errors unchanged, and {@link ConcurrencyError} when `expectedVersion` is stale or every attempt lost a race.
   */
  async handle<C, E, S>(decider: Decider<C, E, S>, stream: StreamRef, command: C, options: HandleOptions<E, S>): Promise<HandleResult<S>> {
    const toNewEvent = options.toNewEvent ?? defaultToNewEvent<E>;
    const key = options.context.idempotencyKey;
    if (options.resumed && key !== undefined) {
      const earlier = await this.store.findByIdempotencyKey(stream.tenant, key);
      if (earlier) return this.replayed(decider, earlier, options);
    }
    const cacheKey = streamKey(stream);
    const cached = this.cache.get(cacheKey);
    const known = cached?.decider === decider ? (cached as CachedAggregate & { state: S }) : options.expectNew ? { state: decider.initialState(), version: 0 } : undefined;
    if (known) {
      const fromKnown = await this.handleCached(decider, stream, command, options, known);
      if (fromKnown) return fromKnown;
    }
    for (let attempt = 1; ; attempt++) {
      const { state, version } = await this.load(decider, stream, options);
      this.cache.set(cacheKey, { decider, state, version });
      if (options.expectedVersion !== undefined && options.expectedVersion !== version) {
        throw new ConcurrencyError(options.expectedVersion, version);
      }
      const decided = decider.decide(command, state);
      if (decided.length === 0) return { events: [], fromVersion: version + 1, toVersion: version, state, stream };
      try {
        return await this.append(decider, stream, { state, version }, decided.map(toNewEvent), options);
      } catch (error) {
        if (isDuplicateCommand(error)) return this.replayed(decider, error.commit, options);
        if (!isConcurrencyError(error) || attempt >= this.retry.maxAttempts) throw error;
      }
      await this.sleep(retryDelayMs(attempt, this.retry, this.random));
    }
  }

  /** The command decided on a state not read now (cached, or a new stream's) and appended; undefined when it must be decided on a fresh load. */
  private async handleCached<C, E, S>(
    decider: Decider<C, E, S>,
    stream: StreamRef,
    command: C,
    options: HandleOptions<E, S>,
    cached: LoadedAggregate<S>,
  ): Promise<HandleResult<S> | undefined> {
    if (options.expectedVersion !== undefined && options.expectedVersion !== cached.version) return undefined;
    let decided: E[];
    try {
      decided = decider.decide(command, cached.state);
    } catch {
      return undefined;
    }
    if (decided.length === 0) return undefined;
    try {
      return await this.append(decider, stream, cached, decided.map(options.toNewEvent ?? defaultToNewEvent<E>), options);
    } catch (error) {
      if (isDuplicateCommand(error)) return this.replayed(decider, error.commit, options);
      if (isConcurrencyError(error)) return undefined;
      throw error;
    }
  }

  /** Appends `events` decided on `from`, caches and snapshots the state after them. */
  private async append<C, E, S>(decider: Decider<C, E, S>, stream: StreamRef, from: LoadedAggregate<S>, events: NewEvent[], options: HandleOptions<E, S>): Promise<HandleResult<S>> {
    const cacheKey = streamKey(stream);
    let appended;
    try {
      appended = await this.store.append(stream, from.version, events, options.context, { expectedVersionIsHead: true });
    } catch (error) {
      // Lost race, or an outcome unknown: the store, not this entry, says what the aggregate is now.
      this.cache.delete(cacheKey);
      throw error;
    }
    const next = replay(decider, appended.events.map(options.fromStored ?? defaultFromStored<E>), from.state);
    this.cache.set(cacheKey, { decider, state: next, version: appended.toVersion });
    await this.maybeSnapshot(stream, appended.fromVersion, appended.toVersion, next, options);
    return { events: appended.events, fromVersion: appended.fromVersion, toVersion: appended.toVersion, state: next, stream };
  }

  /** The result of an earlier append of the same command, with the state right after it. */
  private async replayed<C, E, S>(decider: Decider<C, E, S>, commit: Commit, options: LoadOptions<E, S>): Promise<HandleResult<S>> {
    const earlier: StreamRef = { tenant: commit.tenant, aggregateType: commit.aggregateType, aggregateId: commit.aggregateId };
    const { state } = await this.load(decider, earlier, { ...options, atVersion: commit.toVersion });
    return { events: commit.events, fromVersion: commit.fromVersion, toVersion: commit.toVersion, state, stream: earlier, replayed: true };
  }

  private async maybeSnapshot<E, S>(stream: StreamRef, from: number, to: number, state: S, options: LoadOptions<E, S>): Promise<void> {
    const schema = this.snapshotSchemaFor(stream, options);
    if (!this.snapshots || schema === undefined || this.snapshotEvery <= 0) return;
    if (Math.floor(to / this.snapshotEvery) === Math.floor((from - 1) / this.snapshotEvery)) return;
    const stored = options.toSnapshot ? options.toSnapshot(state) : state;
    // Best effort: the command has committed; a missing snapshot only costs a longer replay.
    await this.snapshots.save(stream, to, schema, stored).catch(() => undefined);
  }

  private snapshotSchemaFor(stream: StreamRef, options: { snapshotSchema?: string | number }): string | number | undefined {
    return options.snapshotSchema ?? this.snapshotSchemas[stream.aggregateType];
  }
}
