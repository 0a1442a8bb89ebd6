import { type Money } from '../money';

/** A product exists, with its initial available stock. */
export type ProductCreated = {
  type: 'ProductCreated';
  data: { name: string; description: string; price: Money; quantity: number };
};

/** The unit price changed. */
export type ProductPriceUpdated = { type: 'ProductPriceUpdated'; data: { oldPrice: Money; newPrice: Money } };

/** Stock was added; `currentStock` is the available quantity afterwards. */
export type ProductRestocked = { type: 'ProductRestocked'; data: { quantity: number; currentStock: number } };

/** Stock was held for an order; `currentStock` is the available quantity afterwards. */
export type ProductQuantityReserved = {
  type: 'ProductQuantityReserved';
  data: { orderId: string; quantityReserved: number; currentStock: number };
};

/** An order's reservation went back to available stock; `currentStock` is the available quantity afterwards. */
export type ProductQuantityReleased = {
  type: 'ProductQuantityReleased';
  data: { orderId: string; quantityReleased: number; currentStock: number };
};

/** Every event of a product stream. */
export type ProductEvent =
  | ProductCreated
  | ProductPriceUpdated
  | ProductRestocked
  | ProductQuantityReserved
  | ProductQuantityReleased;

const productEventTypeNames = {
  ProductCreated: 'ProductCreated',
  ProductPriceUpdated: 'ProductPriceUpdated',
  ProductRestocked: 'ProductRestocked',
  ProductQuantityReserved: 'ProductQuantityReserved',
  ProductQuantityReleased: 'ProductQuantityReleased',
} as const satisfies { [K in ProductEvent['type']]: K };

/** The stored type names of product events; the compiler keeps this list complete. */
export const productEventTypes: readonly ProductEvent['type'][] = Object.freeze(Object.values(productEventTypeNames));
