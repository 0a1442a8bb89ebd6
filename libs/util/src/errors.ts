/**
 * The few kinds of failure every layer speaks, each with a stable code that edges map once
 * (HTTP: validation 400, not-found 404, conflict 409, concurrency 409, business-rule 422).
 */
export type ErrorCode = 'validation' | 'not-found' | 'conflict' | 'concurrency' | 'business-rule';

export interface FieldError {
  /** JSON pointer-ish path of the offending field, e.g. `lines/0/quantity`. */
  field: string;
  message: string;
}

export class DomainError extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Machine-readable reason, stable across releases (e.g. `insufficient-stock`). */
    readonly reason: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export const isDomainError = (error: unknown): error is DomainError => error instanceof DomainError;
