import { moneyFromMinorUnits as money } from '../money';
import { type OrderEvent, type OrderLine } from '../order/order.events';
import { type ProductEvent } from '../product/product.events';

/** A 'Blue Mug' at 19.99 with 10 units. */
export const productCreated = (quantity = 10, name = 'Blue Mug'): ProductEvent => ({
  type: 'ProductCreated',
  data: { name, description: 'A mug', price: money(1999), quantity },
});
/** The price changed from `oldPrice` to `newPrice` (minor units). */
export const priceUpdated = (oldPrice: number, newPrice: number): ProductEvent => ({
  type: 'ProductPriceUpdated',
  data: { oldPrice: money(oldPrice), newPrice: money(newPrice) },
});
/** `quantity` units added, leaving `currentStock` available. */
export const restocked = (quantity: number, currentStock: number): ProductEvent => ({
  type: 'ProductRestocked',
  data: { quantity, currentStock },
});
/** `quantityReserved` units held for `orderId`, leaving `currentStock` available. */
export const reserved = (orderId: string, quantityReserved: number, currentStock: number): ProductEvent => ({
  type: 'ProductQuantityReserved',
  data: { orderId, quantityReserved, currentStock },
});
/** `orderId`'s `quantityReleased` units returned, leaving `currentStock` available. */
export const released = (orderId: string, quantityReleased: number, currentStock: number): ProductEvent => ({
  type: 'ProductQuantityReleased',
  data: { orderId, quantityReleased, currentStock },
});

const line = (productId: string, quantity: number, unitPrice: number): OrderLine => ({
  productId,
  quantity,
  unitPrice: money(unitPrice),
  lineTotal: money(unitPrice * quantity),
});
/** Order lines: 2 x p1 at 19.99 and 1 x p2 at 5.00, 44.98 in all. */
export const orderLines: OrderLine[] = [line('p1', 2, 1999), line('p2', 1, 500)];
/** An order of {@link orderLines} by `customerId`. */
export const orderPlaced = (customerId = 'c1'): OrderEvent => ({
  type: 'OrderPlaced',
  data: { customerId, lines: orderLines, total: money(4498) },
});
/** Every line reserved. */
export const orderConfirmed: OrderEvent = { type: 'OrderConfirmed', data: {} };
/** The order could not be fulfilled. */
export const orderRejected = (reason = 'insufficient stock'): OrderEvent => ({ type: 'OrderRejected', data: { reason } });
/** Payment of `amount` minor units captured. */
export const paymentCaptured = (amount = 4498, paymentId = 'pay-1'): OrderEvent => ({
  type: 'PaymentCaptured',
  data: { paymentId, amount: money(amount) },
});
/** The order was cancelled. */
export const orderCancelled = (reason = 'changed my mind'): OrderEvent => ({ type: 'OrderCancelled', data: { reason } });
