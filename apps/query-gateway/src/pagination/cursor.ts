import type { z } from 'zod';
import { problem, ProblemError } from '@eventide/service-kit';

/** What a cursor may hold: the sort key of the last item of a page. */
export type CursorValue = string | number;

const MAX_CURSOR_LENGTH = 512;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

const invalidCursor = (detail: string) =>
  new ProblemError(problem('validation-failed', { detail, errors: [{ field: 'cursor', message: 'not a cursor this API issued' }] }));

/** An opaque, URL-safe cursor: base64url of the JSON array of the last item's sort key. */
export function encodeCursor(values: readonly CursorValue[]): string {
  return Buffer.from(JSON.stringify(values), 'utf8').toString('base64url');
}

/**
 * The sort key a cursor holds, checked strictly against `shape` (a tuple schema): anything that is
 * not exactly what {@link encodeCursor} would have written for that shape is a 400 problem, so a
 * hand-made cursor cannot smuggle operators, other types or extra values into a query.
 */
export function decodeCursor<S extends z.ZodType<readonly CursorValue[]>>(raw: string, shape: S): z.infer<S> {
  if (raw.length > MAX_CURSOR_LENGTH || !BASE64URL.test(raw)) throw invalidCursor('cursor must be a base64url string from a previous page');
  let parsed: unknown;
  try {
    const json = Buffer.from(raw, 'base64url').toString('utf8');
    parsed = JSON.parse(json);
  } catch {
    throw invalidCursor('cursor is not one this API issued');
  }
  const result = shape.safeParse(parsed);
  // Canonical form only: the same values must encode back to the very same text.
  if (!result.success || encodeCursor(result.data) !== raw) throw invalidCursor('cursor is not one this API issued');
  return result.data;
}

/** One page of a list: the items, and the cursor of the next page (null on the last one). */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * A page from `limit + 1` fetched rows: the extra row only tells that another page exists; the
 * cursor names the last row shown.
 */
export function pageOf<D, T>(rows: readonly D[], limit: number, toItem: (row: D) => T, cursorOf: (row: D) => readonly CursorValue[]): Page<T> {
  const shown = rows.slice(0, limit);
  const last = shown.at(-1);
  return { items: shown.map(toItem), nextCursor: rows.length > limit && last !== undefined ? encodeCursor(cursorOf(last)) : null };
}
