import { type Money } from '../money';
import { type OrderEvent, type OrderLine } from './order.events';

/** Where a placed order stands. `rejected`, `paid` and `cancelled` are final. */
export type OrderStatus = 'pending' | 'confirmed' | 'rejected' | 'paid' | 'cancelled';

/** An order that has been placed. */
export type PlacedOrderState = {
  status: OrderStatus;
  customerId: string;
  lines: OrderLine[];
  total: Money;
  /** Set once the payment is captured. */
  paymentId?: string;
};

/** The state folded from an order stream. */
export type OrderState = { status: 'none' } | PlacedOrderState;

/** The status each event leaves an order in: the one place the order lifecycle's statuses are named. */
export const orderStatusAfter = {
  OrderPlaced: 'pending',
  OrderConfirmed: 'confirmed',
  OrderRejected: 'rejected',
  PaymentCaptured: 'paid',
  OrderCancelled: 'cancelled',
} as const satisfies { [K in OrderEvent['type']]: OrderStatus };
