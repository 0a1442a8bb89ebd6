import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { NextFunction, Request, Response } from 'express';
import { contextFrom } from './tracing';

/**
 * One server span per request, continuing the caller's `traceparent` when it sends one; the rest of
 * the request runs inside it, so spans and events it causes join the same trace. The trace id is
 * echoed as `X-Trace-Id` so a caller (or `eventide trace`) can find it.
 */
export function httpTracing() {
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.path.startsWith('/health') || req.path === '/metrics') return next();
    const parent = contextFrom({ traceparent: req.header('traceparent'), tracestate: req.header('tracestate') });
    const span = trace.getTracer('eventide').startSpan(`${req.method} ${req.path}`, { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method, 'url.path': req.path } }, parent);
    res.setHeader('X-Trace-Id', span.spanContext().traceId);
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500 || !res.writableFinished) span.setStatus({ code: SpanStatusCode.ERROR, ...(res.writableFinished ? {} : { message: 'client went away' }) });
      span.end();
    };
    res.on('finish', end);
    res.on('close', end); // a client that disconnects early still closes the span
    context.with(trace.setSpan(parent, span), next);
  };
}
