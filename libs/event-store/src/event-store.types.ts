/** Identifies one event stream: one aggregate instance of one tenant. */
export interface StreamRef {
  tenant: string;
  aggregateType: string;
  aggregateId: string;
}

/** An event to append, as the domain produced it. */
export interface NewEvent {
  /** Stable event type name (never derived from a class name). */
  type: string;
  data: Record<string, unknown>;
  /** Schema version `data` is written in; defaults to the registry's current version of `type`. */
  schemaVersion?: number;
}

/** What is true of every event of one append: where it came from and when it happened. */
export interface AppendContext {
  correlationId: string;
  causationId: string;
  /** Becomes each event's `metadata.timestamp`; comes from the command, not from the store's clock. */
  occurredAt: Date;
  /** W3C trace context of the request that caused the append. */
  traceparent?: string;
  tracestate?: string;
  /** Caller-chosen event ids, one per event; random UUIDs otherwise. */
  eventIds?: string[];
  /**
   * Identifies the request that caused the append (for example a digest of a client's
   * Idempotency-Key and request), unique per tenant: a second append with the same key fails with
   * `DuplicateCommandError` and nothing is stored, so a command retried after a crash cannot
   * take effect twice.
   */
  idempotencyKey?: string;
}

/** The metadata every stored event carries (spec §4). */
export interface EventMetadata {
  eventId: string;
  type: string;
  schemaVersion: number;
  aggregateType: string;
  aggregateId: string;
  version: number;
  tenant: string;
  /** ISO-8601 time the event occurred. */
  timestamp: string;
  correlationId: string;
  causationId: string;
  traceparent?: string;
  tracestate?: string;
}

/** An event as read back: data upcast to the current schema version of its type. */
export interface StoredEvent {
  eventId: string;
  type: string;
  schemaVersion: number;
  data: Record<string, unknown>;
  /** Position in its stream, from 1, without gaps. */
  version: number;
  metadata: EventMetadata;
}

/** All events of one append, as stored together. */
export interface Commit {
  /** The commit document's `_id`. */
  id: string;
  tenant: string;
  aggregateType: string;
  aggregateId: string;
  fromVersion: number;
  toVersion: number;
  partition: number;
  committedAt: Date;
  events: StoredEvent[];
}

/** One event inside a commit document (storage format). */
export interface StoredEventDoc {
  eventId: string;
  type: string;
  schemaVersion: number;
  version: number;
  data: Record<string, unknown>;
  metadata: {
    timestamp: string;
    correlationId: string;
    causationId: string;
    traceparent?: string;
    tracestate?: string;
  };
}

/**
 * One document per append (storage format). The `_id` embeds `fromVersion`, so two appends from
 * the same head collide on the primary key and only one can win.
 */
export interface CommitDoc {
  _id: string;
  tenant: string;
  aggregateType: string;
  aggregateId: string;
  fromVersion: number;
  toVersion: number;
  events: StoredEventDoc[];
  committedAt: Date;
  /** Publisher shard of the commit, from the store's `partitionOf(aggregateId)`. */
  partition: number;
  /** Present (true) until the publisher has sent the commit to the broker. */
  pending?: true;
  /** The append's {@link AppendContext.idempotencyKey}, unique per tenant (index `idempotency`). */
  idempotencyKey?: string;
}
