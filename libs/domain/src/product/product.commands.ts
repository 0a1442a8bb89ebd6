import { type Money } from '../money';

/** Registers a product with its initial stock. */
export type CreateProduct = {
  type: 'CreateProduct';
  data: { name: string; description: string; price: Money; quantity: number };
};

/** Sets a new unit price; the same price again is a no-op. */
export type UpdateProductPrice = { type: 'UpdateProductPrice'; data: { price: Money } };

/** Adds stock (at least one unit). */
export type RestockProduct = { type: 'RestockProduct'; data: { quantity: number } };

/** Holds stock for an order; repeating it for the same order is a no-op. */
export type ReserveProductQuantity = { type: 'ReserveProductQuantity'; data: { orderId: string; quantity: number } };

/** Returns an order's whole reservation to available stock; a no-op when there is none. */
export type ReleaseProductQuantity = { type: 'ReleaseProductQuantity'; data: { orderId: string } };

/** Every command the product decider accepts. */
export type ProductCommand =
  | CreateProduct
  | UpdateProductPrice
  | RestockProduct
  | ReserveProductQuantity
  | ReleaseProductQuantity;
