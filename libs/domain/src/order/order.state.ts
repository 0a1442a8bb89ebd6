import { type Money } from '../money';
import { type OrderLine } from './order.events';

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
