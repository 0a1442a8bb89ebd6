import type { CustomerOrderDoc, OrderDetailsDoc } from '@eventide/domain';
import { pageOf, type Page } from '../pagination/cursor';
import type { ReadModels } from '../read-models/read-models';
import { toCustomerOrderItem, toOrderDetails, type CustomerOrderItem, type OrderDetails } from './orders.mapper';
import { customerOrdersAfter, customerOrdersFilter, customerOrdersSort, type CustomerOrdersQuery } from './orders.query';

/** The OrderDetails of one order of the tenant, or undefined. */
export async function readOrderDetails(readModels: ReadModels, tenant: string, id: string): Promise<OrderDetails | undefined> {
  const doc = await readModels.findOne<OrderDetailsDoc>('order-details', tenant, id);
  return doc ? toOrderDetails(doc) : undefined;
}

/**
 * One page of a customer's orders within the tenant, newest first. `placedAt` and `_id` never
 * change, so pages stay stable while orders change status or new ones arrive (those appear on
 * the first page, never shifting later pages).
 */
export async function readCustomerOrders(readModels: ReadModels, tenant: string, customerId: string, query: CustomerOrdersQuery): Promise<Page<CustomerOrderItem>> {
  const after = customerOrdersAfter(query);
  const filter = customerOrdersFilter(tenant, customerId, after && { placedAt: after.placedAt, afterId: readModels.id(tenant, after.orderId) });
  const rows = await readModels
    .collection<CustomerOrderDoc>('customer-orders')
    .find(filter as never, { sort: customerOrdersSort, limit: query.limit + 1 })
    .toArray();
  return pageOf(rows, query.limit, toCustomerOrderItem, (row) => [row.placedAt, row.orderId]);
}
