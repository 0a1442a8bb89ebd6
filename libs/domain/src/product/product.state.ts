import { type Money } from '../money';

/** A product that has been created. */
export type ActiveProductState = {
  status: 'active';
  name: string;
  description: string;
  price: Money;
  /** Units that can still be reserved. */
  available: number;
  /** Units held for orders; always the sum of `reservations`. */
  reserved: number;
  /** orderId -> reserved quantity. */
  reservations: Record<string, number>;
};

/** The state folded from a product stream. */
export type ProductState = { status: 'none' } | ActiveProductState;
