import { z } from 'zod';
import type { Filter } from 'mongodb';
import type { CustomerOrderDoc } from '@eventide/domain';
import { idSchema } from '@eventide/service-kit';
import { limitParam } from '../http/query';
import { decodeCursor } from '../pagination/cursor';

/** Cursor of a customer's order list: `placedAt` and order id of the last order shown (both immutable). */
export const customerOrderCursor = z.tuple([z.iso.datetime({ offset: true }), idSchema]);

/** `GET /v1/customers/{customerId}/orders`: page size and cursor. */
export const customerOrdersQuery = z.strictObject({
  limit: limitParam(100, 20),
  cursor: z.string().max(512).optional(),
});

export type CustomerOrdersQuery = z.infer<typeof customerOrdersQuery>;

/** Where a page of a customer's orders starts: after this `placedAt` and order id. */
export interface CustomerOrdersAfter {
  placedAt: string;
  orderId: string;
}

/** The position a customer-orders cursor names (400 when the cursor is not ours). */
export function customerOrdersAfter(query: CustomerOrdersQuery): CustomerOrdersAfter | undefined {
  if (query.cursor === undefined) return undefined;
  const [placedAt, orderId] = decodeCursor(query.cursor, customerOrderCursor);
  return { placedAt, orderId };
}

type StoredCustomerOrder = CustomerOrderDoc & { tenant: string; _id: string };

/**
 * The filter of a page of one customer's orders within the tenant, newest first (`placedAt`
 * descending, then `_id` descending), which the `tenant_customer_placed` index serves. `afterId`
 * is the `_id` of the last order shown.
 */
export function customerOrdersFilter(tenant: string, customerId: string, after: { placedAt: string; afterId: string } | undefined): Filter<StoredCustomerOrder> {
  // Tombstones (documents a projection deleted, kept for their version) are never listed.
  const filter: Filter<StoredCustomerOrder> = { tenant, customerId, _deleted: { $exists: false } } as Filter<StoredCustomerOrder>;
  if (after) filter.$or = [{ placedAt: { $lt: after.placedAt } }, { placedAt: after.placedAt, _id: { $lt: after.afterId } }];
  return filter;
}

/** The sort that goes with {@link customerOrdersFilter}. */
export const customerOrdersSort = { placedAt: -1, _id: -1 } as const;
