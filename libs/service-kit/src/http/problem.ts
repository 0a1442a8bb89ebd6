import type { FieldError } from '@eventide/util';

/** RFC 9457 problem details, with our stable `type` URIs. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

const base = 'https://eventide.dev/problems/';

export const problemTypes = {
  'validation-failed': { status: 400, title: 'The request is not valid' },
  'malformed-json': { status: 400, title: 'The body is not valid JSON' },
  'malformed-http': { status: 400, title: 'The request is not valid HTTP' },
  unauthenticated: { status: 401, title: 'An API key is required' },
  'not-found': { status: 404, title: 'Not found' },
  conflict: { status: 409, title: 'Conflict' },
  'version-mismatch': { status: 409, title: 'The resource changed since you read it' },
  'idempotency-key-reused': { status: 422, title: 'The Idempotency-Key was used for another request' },
  'idempotency-key-in-flight': { status: 409, title: 'A request with this Idempotency-Key is still being processed' },
  'business-rule': { status: 422, title: 'The request breaks a business rule' },
  'payload-too-large': { status: 413, title: 'The body is too large' },
  'unsupported-media-type': { status: 415, title: 'Send the body as application/json' },
  'method-not-allowed': { status: 405, title: 'Method not allowed' },
  'request-timeout': { status: 408, title: 'The request did not arrive in time' },
  'headers-too-large': { status: 431, title: 'The request headers are too large' },
  'rate-limited': { status: 429, title: 'Too many requests' },
  'dependency-unavailable': { status: 503, title: 'A dependency is unavailable' },
  'consistency-timeout': { status: 504, title: 'The read model has not applied your write yet' },
  'internal-error': { status: 500, title: 'Internal error' },
} as const;

export type ProblemKind = keyof typeof problemTypes;

export function problem(kind: ProblemKind, extra: Partial<Problem> = {}): Problem {
  const { status, title } = problemTypes[kind];
  // The fixed members come last so a detail named like one (an order's `status`) cannot replace it.
  return { ...extra, type: `${base}${kind}`, title, status };
}

/** Thrown by edges to answer with a problem; the filter renders it. */
export class ProblemError extends Error {
  constructor(
    readonly problem: Problem,
    readonly headers: Record<string, string> = {},
  ) {
    super(problem.detail ?? problem.title);
  }
}
