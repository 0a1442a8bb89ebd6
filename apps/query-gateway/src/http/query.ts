import { z } from 'zod';
import { idSchema, parseOrProblem } from '@eventide/service-kit';

/**
 * Query-string building blocks. Every value is accepted only as a single string: express turns
 * `?a=1&a=2` into an array and (with the extended parser) `?q[$gt]=x` into an object, and neither
 * may reach a database. Query objects are strict, so unknown parameters are refused too.
 */

/*
 * The OpenAPI documents are built from the input side of these schemas (`jsonSchemaOf`), which sees
 * only the string and its pattern, not the bounds checked after the transform. Each builder therefore
 * states its real bounds with `.meta`, here and only here, so every route that uses it documents them.
 */

/** An integer page size from 1 to `max`, `fallback` when absent. */
export const limitParam = (max: number, fallback: number) =>
  z
    .string()
    .regex(/^\d{1,6}$/, 'must be an integer')
    .transform(Number)
    .pipe(z.number().int().min(1, 'must be at least 1').max(max, `must be at most ${max}`))
    .default(fallback)
    .meta({ type: 'integer', minimum: 1, maximum: max, description: `Page size, 1 to ${max}; ${fallback} when absent` });

/** The largest version a query accepts: the 15 digits its pattern allows. */
export const MAX_QUERY_VERSION = 999_999_999_999_999;

/** A stream version (1 or more). */
export const versionParam = z
  .string()
  .regex(/^\d{1,15}$/, 'must be a positive integer')
  .transform(Number)
  .pipe(z.number().int().min(1, 'must be at least 1').max(MAX_QUERY_VERSION))
  .meta({ type: 'integer', minimum: 1, maximum: MAX_QUERY_VERSION, description: 'A stream version: 1 is the first event' });

/** Wire money in a query string (`19.99`, at most two decimals, not negative), converted exactly to minor units. */
export const wireMoneyParam = z
  .string()
  .regex(/^\d{1,11}(\.\d{1,2})?$/, 'must be an amount with at most two decimals, such as 19.99')
  .transform((text) => {
    const [units = '0', fraction = ''] = text.split('.');
    return Number(units) * 100 + Number(fraction.padEnd(2, '0'));
  })
  .meta({ description: 'Wire money: not negative, at most two decimals (`19.99`)' });

/** An ISO-8601 instant with a time zone (`2024-03-01T12:00:00Z`, `...+02:00`). */
export const instantParam = z.iso
  .datetime({ offset: true, message: 'must be an ISO-8601 date-time with a time zone' })
  .transform((text) => new Date(text))
  .refine((date) => !Number.isNaN(date.getTime()), 'must be a valid instant');

/** The request's query object validated against a strict schema; a 400 problem otherwise. */
export function parseQuery<S extends z.ZodType>(schema: S, query: unknown): z.infer<S> {
  return parseOrProblem(schema, query ?? {}, 'query');
}

/** A path id, refused (400) unless it is a plain id: no traversal, no operators. */
export function pathId(value: string, what = 'id'): string {
  return parseOrProblem(idSchema, value, what);
}

/** Escapes every regular-expression metacharacter so user text matches literally. */
export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Routes without query parameters refuse any, so a typo never passes silently. */
export const noQuery = z.strictObject({});
