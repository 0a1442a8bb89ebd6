/**
 * What a projection sees of an event: its type, data (upcast to the current schema), its version
 * in its stream and the metadata every event carries. The event store's stored event and the Kafka
 * envelope both have this shape.
 */
export interface ProjectedEvent {
  type: string;
  version: number;
  data: Record<string, unknown>;
  metadata: {
    eventId: string;
    aggregateType: string;
    aggregateId: string;
    tenant: string;
    /** ISO-8601 time the event occurred. */
    timestamp: string;
    correlationId: string;
    causationId: string;
  };
}

/** A MongoDB index a read model needs for the queries made against it. */
export interface ReadModelIndex {
  name: string;
  key: Record<string, 1 | -1>;
  unique?: boolean;
}

/**
 * A read model kept as one document per stream (per aggregate): a pure fold over that stream's
 * events. The runtime around it stores `_id`, `tenant` and `version` (the last applied stream
 * version) beside the fields it returns, and owns idempotency, ordering, batching and checkpoints,
 * so `evolve` sees each event exactly once, in version order.
 */
export interface DocumentProjection<D extends object> {
  /** Stable name; the collection is named after it and the generation. */
  readonly view: string;
  /** The stream category it follows (one Kafka topic). */
  readonly aggregateType: string;
  /** Event types that change the document; others only advance its version. */
  readonly handles: readonly string[];
  /**
   * The document after `event`; `null` means there is none (yet). Throwing marks the event as one
   * this projection cannot apply (after bounded retries it is parked as a dead letter).
   */
  evolve(doc: D | null, event: ProjectedEvent): D | null;
  /** Indexes for the gateway's queries; every key should start with `tenant` (the shard key). */
  readonly indexes: readonly ReadModelIndex[];
}

/**
 * One write to a Redis read model. Keys are relative to the tenant's namespace; the runtime
 * prefixes them with the generation and a `{tenant}` hash tag, so one tenant's keys share a slot
 * on Redis Cluster and one event's writes run as one atomic script.
 */
export type RedisWrite =
  | { op: 'hset'; key: string; values: Record<string, string | number> }
  | { op: 'hincrby'; key: string; field: string; by: number }
  | { op: 'zincrby'; key: string; member: string; by: number }
  | { op: 'zadd'; key: string; member: string; score: number }
  /** Keeps the `keep` highest-scored members of a sorted set. */
  | { op: 'ztrim'; key: string; keep: number }
  | { op: 'del'; key: string };

/**
 * A Redis read model: each event maps to a few writes, a pure function of the event alone. The
 * runtime runs them only when the event is the stream's next one, atomically with recording it.
 */
export interface RedisProjection {
  readonly view: string;
  readonly aggregateType: string;
  readonly handles: readonly string[];
  /** The writes `event` causes ([] for none). Throwing marks the event as one it cannot apply. */
  apply(event: ProjectedEvent): readonly RedisWrite[];
}
