import { z } from 'zod';
import type { Filter } from 'mongodb';
import type { ProductSummaryDoc } from '@eventide/domain';
import { idSchema } from '@eventide/service-kit';
import { escapeRegex, instantParam, limitParam, versionParam, wireMoneyParam } from '../http/query';
import { decodeCursor } from '../pagination/cursor';

/** `GET /v1/products/{id}`: the live view, or the state as of an instant or at a version (not both). */
export const productReadQuery = z
  .strictObject({
    // OpenAPI cannot say that two query parameters exclude each other: the descriptions say it.
    asOf: instantParam.optional().meta({ description: 'The product as it was at this instant; not together with `atVersion`' }),
    atVersion: versionParam.optional().meta({ description: 'The product as it was at this version (1 or more); not together with `asOf`' }),
  })
  .refine((q) => q.asOf === undefined || q.atVersion === undefined, { message: 'asOf and atVersion cannot be combined', path: ['asOf'] });

/** A temporal read: which point of the stream to rebuild. */
export type TemporalPoint = { atVersion: number } | { asOf: Date };

/** The temporal point a product query asks for, or undefined for the live view. */
export function temporalPointOf(query: z.infer<typeof productReadQuery>): TemporalPoint | undefined {
  if (query.atVersion !== undefined) return { atVersion: query.atVersion };
  if (query.asOf !== undefined) return { asOf: query.asOf };
  return undefined;
}

/** Cursor of the product list: the id of the last product shown (pages go by id, which never changes). */
export const productCursor = z.tuple([idSchema]);

/** `GET /v1/products`: page size, cursor, price range (wire money) and a name prefix. */
export const productListQuery = z
  .strictObject({
    limit: limitParam(100, 20),
    cursor: z.string().max(512).optional(),
    minPrice: wireMoneyParam.optional(),
    maxPrice: wireMoneyParam.optional(),
    q: z
      .string()
      .min(1, 'must not be empty')
      .max(100, 'must be at most 100 characters')
      // eslint-disable-next-line no-control-regex -- control characters (NUL above all) are refused, not searched for
      .regex(/^[^\u0000-\u001f\u007f]*$/, 'must not contain control characters')
      .optional(),
  })
  .refine((q) => q.minPrice === undefined || q.maxPrice === undefined || q.minPrice <= q.maxPrice, { message: 'minPrice must not exceed maxPrice', path: ['minPrice'] });

export type ProductListQuery = z.infer<typeof productListQuery>;

/** The product id a list page starts after, from its cursor (400 when the cursor is not ours). */
export const productAfter = (query: ProductListQuery): string | undefined => (query.cursor === undefined ? undefined : decodeCursor(query.cursor, productCursor)[0]);

/**
 * The MongoDB filter of a product list page, always within the tenant. The name search is an
 * anchored prefix on `nameLower` with every metacharacter escaped, so it can use the
 * `tenant_nameLower_id` index and cannot run a costly pattern. `after` is the `_id` the page starts after.
 */
export function productListFilter(tenant: string, query: ProductListQuery, after: string | undefined): Filter<ProductSummaryDoc & { tenant: string; _id: string }> {
  // Tombstones (documents a projection deleted, kept for their version) are never listed.
  const filter: Filter<ProductSummaryDoc & { tenant: string; _id: string }> = { tenant, _deleted: { $exists: false } } as Filter<ProductSummaryDoc & { tenant: string; _id: string }>;
  if (after !== undefined) filter._id = { $gt: after };
  if (query.minPrice !== undefined || query.maxPrice !== undefined) {
    filter.price = { ...(query.minPrice !== undefined ? { $gte: query.minPrice } : {}), ...(query.maxPrice !== undefined ? { $lte: query.maxPrice } : {}) };
  }
  if (query.q !== undefined) filter.nameLower = { $regex: `^${escapeRegex(query.q.toLowerCase())}` };
  return filter;
}
