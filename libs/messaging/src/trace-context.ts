import { context, propagation, type Context } from '@opentelemetry/api';

/**
 * The W3C trace context carried by a set of headers (an HTTP request, an event's metadata), as the
 * parent for spans that continue that trace. Here, below every service, so the publisher, the
 * projectors and the HTTP layer read a carried context the same way.
 */
export function contextFrom(carrier: { traceparent?: string | undefined; tracestate?: string | undefined }): Context {
  const headers: Record<string, string> = {};
  if (carrier.traceparent) headers['traceparent'] = carrier.traceparent;
  if (carrier.tracestate) headers['tracestate'] = carrier.tracestate;
  return propagation.extract(context.active(), headers);
}
