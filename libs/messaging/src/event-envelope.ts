import type { IHeaders, KafkaMessage, Message } from 'kafkajs';
import type { StoredEvent } from '@eventide/event-store';

/** An event as it travels on Kafka: the stored event with its full metadata (spec §4), as the event store reads it. */
export type EventEnvelope = StoredEvent;

/**
 * Key = aggregate id (so one aggregate's events share a partition and keep their order), value =
 * the JSON envelope, and the metadata again as headers so brokers' tools and other-language
 * consumers can route and trace without parsing the body.
 */
export function toKafkaMessage(event: EventEnvelope): Message {
  const m = event.metadata;
  const headers: IHeaders = {
    'content-type': 'application/json',
    'event-id': m.eventId,
    'event-type': m.type,
    'schema-version': String(m.schemaVersion),
    'aggregate-type': m.aggregateType,
    'aggregate-id': m.aggregateId,
    version: String(m.version),
    tenant: m.tenant,
    'correlation-id': m.correlationId,
    'causation-id': m.causationId,
  };
  if (m.traceparent) headers['traceparent'] = m.traceparent;
  if (m.tracestate) headers['tracestate'] = m.tracestate;
  return { key: m.aggregateId, value: JSON.stringify(event), headers };
}

export class UndecodableMessageError extends Error {
  override readonly name = 'UndecodableMessageError';
}

/** Parses a consumed message back into an envelope; throws UndecodableMessageError when it is not one. */
export function fromKafkaMessage(message: Pick<KafkaMessage, 'value'>): EventEnvelope {
  if (!message.value) throw new UndecodableMessageError('message has no value');
  let parsed: unknown;
  try {
    parsed = JSON.parse(message.value.toString('utf8'));
  } catch {
    throw new UndecodableMessageError('message value is not JSON');
  }
  const e = parsed as Partial<EventEnvelope>;
  if (typeof e.type !== 'string' || typeof e.version !== 'number' || typeof e.metadata?.aggregateId !== 'string' || typeof e.metadata.tenant !== 'string') {
    throw new UndecodableMessageError('message value is not an event envelope');
  }
  return e as EventEnvelope;
}
