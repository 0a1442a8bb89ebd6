import { type Money } from '../money';

/** A placed order line; `lineTotal` is `unitPrice * quantity`. */
export type OrderLine = { productId: string; quantity: number; unitPrice: Money; lineTotal: Money };

/** An order was placed; `total` is the exact sum of the line totals. */
export type OrderPlaced = { type: 'OrderPlaced'; data: { customerId: string; lines: OrderLine[]; total: Money } };

/** Every line is reserved; the order can be paid. */
export type OrderConfirmed = { type: 'OrderConfirmed'; data: Record<string, never> };

/** The order could not be fulfilled. */
export type OrderRejected = { type: 'OrderRejected'; data: { reason: string } };

/** The order was paid in full. */
export type PaymentCaptured = { type: 'PaymentCaptured'; data: { paymentId: string; amount: Money } };

/** The order was cancelled before payment. */
export type OrderCancelled = { type: 'OrderCancelled'; data: { reason: string } };

/** Every event of an order stream. */
export type OrderEvent = OrderPlaced | OrderConfirmed | OrderRejected | PaymentCaptured | OrderCancelled;

const orderEventTypeNames = {
  OrderPlaced: 'OrderPlaced',
  OrderConfirmed: 'OrderConfirmed',
  OrderRejected: 'OrderRejected',
  PaymentCaptured: 'PaymentCaptured',
  OrderCancelled: 'OrderCancelled',
} as const satisfies { [K in OrderEvent['type']]: K };

/** The stored type names of order events; the compiler keeps this list complete. */
export const orderEventTypes: readonly OrderEvent['type'][] = Object.freeze(Object.values(orderEventTypeNames));
