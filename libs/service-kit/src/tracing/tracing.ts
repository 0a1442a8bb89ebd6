import { context, propagation, trace, SpanKind, SpanStatusCode, type Span } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AlwaysOffSampler, BatchSpanProcessor, NodeTracerProvider, type SpanProcessor } from '@opentelemetry/sdk-trace-node';
import { contextFrom } from '@eventide/messaging';
import { FileSpanExporter } from './file-span.exporter';

const tracer = () => trace.getTracer('eventide');

/**
 * Starts OpenTelemetry tracing for a service. Spans are exported over OTLP/HTTP when
 * `OTEL_EXPORTER_OTLP_ENDPOINT` is set, and to a JSON-lines file when `EVENTIDE_TRACE_FILE` is set
 * (what `npm start` does, for `eventide trace <id>`). With neither, spans are not recorded, but W3C
 * trace context is still read from requests and carried into events and Kafka headers.
 */
export function startTracing(service: string, env: NodeJS.ProcessEnv = process.env): { shutdown(): Promise<void> } {
  const processors: SpanProcessor[] = [];
  if (env['OTEL_EXPORTER_OTLP_ENDPOINT']) processors.push(new BatchSpanProcessor(new OTLPTraceExporter()));
  if (env['EVENTIDE_TRACE_FILE']) processors.push(new BatchSpanProcessor(new FileSpanExporter(env['EVENTIDE_TRACE_FILE']), { scheduledDelayMillis: 500 }));
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    spanProcessors: processors,
    // Without an exporter nothing is recorded (not even for sampled callers): no cost, context still flows.
    ...(processors.length === 0 ? { sampler: new AlwaysOffSampler() } : {}),
  });
  provider.register({ propagator: new W3CTraceContextPropagator() });
  return { shutdown: () => provider.shutdown() };
}

/** The W3C context carried by a set of headers (HTTP request, event metadata); defined with the event envelope. */
export { contextFrom };

/** The active span's W3C context, to store with events so consumers continue the trace. */
export function currentTraceContext(): { traceparent?: string; tracestate?: string } {
  const headers: Record<string, string> = {};
  propagation.inject(context.active(), headers);
  return { ...(headers['traceparent'] ? { traceparent: headers['traceparent'] } : {}), ...(headers['tracestate'] ? { tracestate: headers['tracestate'] } : {}) };
}

/** Runs `work` in a span that continues the trace an event carries (a consumer of that event). */
export async function inEventSpan<T>(name: string, metadata: { traceparent?: string; tracestate?: string }, attributes: Record<string, string | number>, work: (span: Span) => Promise<T>): Promise<T> {
  return tracer().startActiveSpan(name, { kind: SpanKind.CONSUMER, attributes }, contextFrom(metadata), async (span) => {
    try {
      return await work(span);
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** Records a finished piece of work (started at `startMs`) as a child of the trace an event carries. */
export function recordEventSpan(name: string, metadata: { traceparent?: string; tracestate?: string }, startMs: number, attributes: Record<string, string | number>): void {
  const span = tracer().startSpan(name, { kind: SpanKind.CONSUMER, startTime: startMs, attributes }, contextFrom(metadata));
  span.end();
}

/** Runs `work` in a span of its own, as a child of the active one. */
export function inSpan<T>(name: string, attributes: Record<string, string | number>, work: () => Promise<T>): Promise<T> {
  return tracer().startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await work();
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
      throw error;
    } finally {
      span.end();
    }
  });
}
