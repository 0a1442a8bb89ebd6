import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { contextFrom } from '@eventide/messaging';
import type { StoredEvent } from '@eventide/event-store';

/**
 * Records one span per event a chunk applied (or failed to), as a child of the trace the event
 * carries in its metadata, so a request's trace shows where each projection applied its events. The
 * span covers the chunk's handling; `eventide.kafka_wait_ms` is how long the event had been on Kafka
 * (its message timestamp, set when the publisher sent it) when the chunk began.
 * With no tracing SDK registered these are no-ops.
 */
export function recordProjectionSpans(family: string, consumed: readonly { event: StoredEvent; message: { timestamp: string } }[], startedAt: number, failedVersions: ReadonlyMap<string, number>): void {
  const tracer = trace.getTracer('eventide-projections');
  for (const { event, message } of consumed) {
    const { traceparent, aggregateId, tenant, aggregateType } = event.metadata;
    if (!traceparent) continue;
    const parent = contextFrom(event.metadata);
    const failedAt = failedVersions.get(`${tenant}|${aggregateType}|${aggregateId}`);
    const span = tracer.startSpan(`${family} apply ${event.type}`, { kind: SpanKind.CONSUMER, startTime: startedAt, attributes: { 'eventide.family': family, 'eventide.aggregate': aggregateId, 'eventide.version': event.version, 'eventide.kafka_wait_ms': Math.max(0, startedAt - Number(message.timestamp)) } }, parent);
    if (failedAt !== undefined && event.version >= failedAt) span.setStatus({ code: SpanStatusCode.ERROR, message: 'parked' });
    span.end();
  }
}
