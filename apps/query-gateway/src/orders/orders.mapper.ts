import { moneyToWire, type CustomerOrderDoc, type Money, type OrderDetailsDoc, type OrderStatus } from '@eventide/domain';

/** OrderDetails on the wire: money as numbers with at most two decimals. */
export interface OrderDetails {
  id: string;
  customerId: string;
  status: OrderStatus;
  lines: { productId: string; quantity: number; unitPrice: number; lineTotal: number }[];
  total: number;
  placedAt: string;
  updatedAt: string;
  rejectionReason?: string;
  cancellationReason?: string;
  payment?: { paymentId: string; amount: number; capturedAt: string };
  version: number;
}

/** One order of a customer's order history on the wire. */
export interface CustomerOrderItem {
  orderId: string;
  status: OrderStatus;
  total: number;
  lineCount: number;
  placedAt: string;
  updatedAt: string;
}

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
