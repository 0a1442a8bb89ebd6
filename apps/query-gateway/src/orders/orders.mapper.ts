import { moneyToWire, type CustomerOrderDoc, type Money, type OrderDetailsDoc } from '@eventide/domain';
import type { z } from 'zod';
import type { customerOrdersPageWire, orderDetailsWire } from '../openapi/wire-schemas';

/** OrderDetails on the wire (the OpenAPI schema is the one definition): money with at most two decimals. */
export type OrderDetails = z.infer<typeof orderDetailsWire>;
/** One order of a customer's order history on the wire. */
export type CustomerOrderItem = z.infer<typeof customerOrdersPageWire>['items'][number];


const wire = (minor: number): number => moneyToWire(minor as Money);

/** An `order-details` document (with its version) as the API shows it. */
export function toOrderDetails(doc: OrderDetailsDoc & { version: number }): OrderDetails {
  const details: OrderDetails = {
    id: doc.id,
    customerId: doc.customerId,
    status: doc.status,
    lines: doc.lines.map(({ productId, quantity, unitPrice, lineTotal }) => ({ productId, quantity, unitPrice: wire(unitPrice), lineTotal: wire(lineTotal) })),
    total: wire(doc.total),
    placedAt: doc.placedAt,
    updatedAt: doc.updatedAt,
    version: doc.version,
  };
  if (doc.rejectionReason !== undefined) details.rejectionReason = doc.rejectionReason;
  if (doc.cancellationReason !== undefined) details.cancellationReason = doc.cancellationReason;
  if (doc.payment) details.payment = { paymentId: doc.payment.paymentId, amount: wire(doc.payment.amount), capturedAt: doc.payment.capturedAt };
  return details;
}

/** A `customer-orders` document as a list row. */
export function toCustomerOrderItem(doc: CustomerOrderDoc): CustomerOrderItem {
  const { orderId, status, total, lineCount, placedAt, updatedAt } = doc;
  return { orderId, status, total: wire(total), lineCount, placedAt, updatedAt };
}
