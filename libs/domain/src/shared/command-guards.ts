import { DomainError } from '@eventide/util';
import { MAX_MINOR_UNITS } from '../money';

/**
 * Throws a `validation` {@link DomainError} unless `ok`. Decide re-checks what the HTTP layer has
 * already validated, so a command built elsewhere (a process, a CLI) cannot corrupt a stream.
 */
export function ensureValid(ok: boolean, reason: string, field: string, message: string): asserts ok {
  if (!ok) throw new DomainError('validation', message, reason, { field });
}

/** Throws a `business-rule` {@link DomainError}: the command is well formed but not allowed now. */
export function refuse(reason: string, message: string, details: Record<string, unknown> = {}): never {
  throw new DomainError('business-rule', message, reason, details);
}

/** A strictly positive amount of minor units inside the accepted range. */
export const isPositiveMoney = (value: unknown): boolean =>
  typeof value === 'number' && Number.isSafeInteger(value) && value > 0 && value <= MAX_MINOR_UNITS;

/** A safe integer no smaller than `min`. */
export const isIntegerAtLeast = (value: unknown, min: number): boolean =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= min;

/** A string with at least one non-blank character. */
export const isNonBlank = (value: unknown): value is string => typeof value === 'string' && value.trim().length > 0;
