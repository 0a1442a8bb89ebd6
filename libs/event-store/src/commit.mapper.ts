import { randomUUID } from 'node:crypto';
import type { EventSchemaRegistry } from './event-schema.registry';
import type { AppendContext, Commit, CommitDoc, NewEvent, StoredEvent, StoredEventDoc, StreamRef } from './event-store.types';
import { commitId } from './stream-key';

export interface CommitDocInput {
  stream: StreamRef;
  fromVersion: number;
  events: readonly NewEvent[];
  context: AppendContext;
  committedAt: Date;
  partition: number;
  schemas: EventSchemaRegistry;
}

/** Builds the single document that holds every event of one append. */
export function toCommitDoc(input: CommitDocInput): CommitDoc {
  const { stream, fromVersion, events, context, schemas } = input;
  if (events.length === 0) throw new TypeError('an append needs at least one event');
  if (context.eventIds && context.eventIds.length !== events.length) {
    throw new TypeError(`got ${context.eventIds.length} event ids for ${events.length} events`);
  }
  if (!Number.isSafeInteger(input.partition) || input.partition < 0) {
    throw new TypeError(`partitionOf must give a non-negative integer, gave ${String(input.partition)}`);
  }
  if (!(context.occurredAt instanceof Date) || Number.isNaN(context.occurredAt.getTime())) {
    throw new TypeError('context.occurredAt must be a valid Date');
  }
  const metadata: StoredEventDoc['metadata'] = {
    timestamp: context.occurredAt.toISOString(),
    correlationId: context.correlationId,
    causationId: context.causationId,
  };
  if (context.traceparent !== undefined) metadata.traceparent = context.traceparent;
  if (context.tracestate !== undefined) metadata.tracestate = context.tracestate;
  const stored = events.map(
    (event, index): StoredEventDoc => ({
      eventId: context.eventIds?.[index] ?? randomUUID(),
      type: event.type,
      schemaVersion: event.schemaVersion ?? schemas.currentVersion(event.type),
      version: fromVersion + index,
      data: event.data,
      metadata,
    }),
  );
  const doc: CommitDoc = {
    _id: commitId(stream, fromVersion),
    tenant: stream.tenant,
    aggregateType: stream.aggregateType,
    aggregateId: stream.aggregateId,
    fromVersion,
    toVersion: fromVersion + events.length - 1,
    events: stored,
    committedAt: input.committedAt,
    partition: input.partition,
    pending: true,
  };
  if (context.idempotencyKey !== undefined) doc.idempotencyKey = context.idempotencyKey;
  return doc;
}

/** The events of a commit document with full metadata, upcast to their current schema versions. */
export function toStoredEvents(doc: CommitDoc, schemas: EventSchemaRegistry): StoredEvent[] {
  return doc.events.map((event) => {
    const { schemaVersion, data } = schemas.upcast(event.type, event.schemaVersion ?? 1, event.data ?? {});
    return {
      eventId: event.eventId,
      type: event.type,
      schemaVersion,
      data,
      version: event.version,
      metadata: {
        eventId: event.eventId,
        type: event.type,
        schemaVersion,
        aggregateType: doc.aggregateType,
        aggregateId: doc.aggregateId,
        version: event.version,
        tenant: doc.tenant,
        timestamp: event.metadata.timestamp,
        correlationId: event.metadata.correlationId,
        causationId: event.metadata.causationId,
        ...traceContext(event.metadata),
      },
    };
  });
}

function traceContext(metadata: StoredEventDoc['metadata']): Pick<StoredEventDoc['metadata'], 'traceparent' | 'tracestate'> {
  const trace: Pick<StoredEventDoc['metadata'], 'traceparent' | 'tracestate'> = {};
  if (typeof metadata.traceparent === 'string') trace.traceparent = metadata.traceparent;
  if (typeof metadata.tracestate === 'string') trace.tracestate = metadata.tracestate;
  return trace;
}

/** A commit document as the publisher sees it. */
export function toCommit(doc: CommitDoc, schemas: EventSchemaRegistry): Commit {
  return {
    id: doc._id,
    tenant: doc.tenant,
    aggregateType: doc.aggregateType,
    aggregateId: doc.aggregateId,
    fromVersion: doc.fromVersion,
    toVersion: doc.toVersion,
    partition: doc.partition,
    committedAt: doc.committedAt,
    events: toStoredEvents(doc, schemas),
  };
}
