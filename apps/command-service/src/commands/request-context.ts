import type { Request } from 'express';
import type { IdempotentAttempt } from '../idempotency/idempotency.store';
import { currentTraceContext, problem, ProblemError, type CorrelatedRequest } from '@eventide/service-kit';

export interface RequestContext {
  tenant: string;
  correlationId: string;
  traceparent?: string;
  tracestate?: string;
  /** Client's If-Match version, when the command is conditional. */
  expectedVersion?: number;
  /** Set when the request carries an Idempotency-Key: how the event store knows the command. */
  idempotency?: IdempotentAttempt;
}

const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

/** `If-Match: "7"` (or `7`, or `W/"7"`) -> 7; anything else is a 400. */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const match = /^(?:W\/)?"?(\d{1,15})"?$/.exec(header.trim());
  if (!match?.[1]) {
    throw new ProblemError(problem('validation-failed', { detail: 'If-Match must be a version such as "3"', errors: [{ field: 'If-Match', message: 'not a version' }] }));
  }
  return Number(match[1]);
}

/** Correlation id (set by correlationMiddleware), trace context and If-Match of a command request. */
export function requestContext(request: Request, tenant: string): RequestContext {
  const correlationId = (request as CorrelatedRequest).correlationId;
  if (!correlationId) throw new Error('correlationMiddleware must run before command handlers');
  const context: RequestContext = { tenant, correlationId };
  // The request's own server span (a child of the caller's traceparent, if any), so everything the
  // events cause downstream hangs under this request in the trace.
  const { traceparent, tracestate } = currentTraceContext();
  const given = request.header('traceparent');
  if (traceparent) context.traceparent = traceparent;
  else if (given && TRACEPARENT.test(given)) context.traceparent = given;
  const state = tracestate ?? request.header('tracestate');
  if (context.traceparent && state && state.length <= 512) context.tracestate = state;
  const expected = parseIfMatch(request.header('if-match'));
  if (expected !== undefined) context.expectedVersion = expected;
  return context;
}

/** The context of one attempt of a keyed request (see IdempotencyStore); unchanged without a key. */
export const withAttempt = (context: RequestContext, attempt: IdempotentAttempt | undefined): RequestContext =>
  attempt ? { ...context, idempotency: attempt } : context;
