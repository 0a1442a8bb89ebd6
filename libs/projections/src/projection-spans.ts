import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { StoredEvent } from '@eventide/event-store';

/**
 * Records one span per event a chunk applied (or failed to), as a child of the trace the event
 * carries in its metadata, so a request's trace shows where each projection applied its events.
 * With no tracing SDK registered these are no-ops.
 */
export function recordProjectionSpans(family: string, events: readonly StoredEvent[], startedAt: number, failedVersions: ReadonlyMap<string, number>): void {
  const tracer = trace.getTracer('eventide-projections');
  for (const event of events) {
    const { traceparent, tracestate, aggregateId, tenant, aggregateType } = event.metadata;
    if (!traceparent) continue;
    const parent = propagation.extract(context.active(), tracestate ? { traceparent, tracestate } : { traceparent });
    const failedAt = failedVersions.get(`${tenant}|${aggregateType}|${aggregateId}`);
    const span = tracer.startSpan(`${family} apply ${event.type}`, { kind: SpanKind.CONSUMER, startTime: startedAt, attributes: { 'eventide.family': family, 'eventide.aggregate': aggregateId, 'eventide.version': event.version } }, parent);
    if (failedAt !== undefined && event.version >= failedAt) span.setStatus({ code: SpanStatusCode.ERROR, message: 'parked' });
    span.end();
  }
}
