import { type Money } from '../money';

/** One line as the caller sends it; `unitPrice` is the product's current price, captured by the caller. */
export type OrderLineInput = { productId: string; quantity: number; unitPrice: Money };

/** Places an order of 1..100 lines, each for a different product. */
export type PlaceOrder = { type: 'PlaceOrder'; data: { customerId: string; lines: OrderLineInput[] } };

/** Sent by the fulfilment process once every line is reserved. */
export type ConfirmOrder = { type: 'ConfirmOrder'; data: Record<string, never> };

/** Sent by the fulfilment process when a line cannot be reserved. */
export type RejectOrder = { type: 'RejectOrder'; data: { reason: string } };

/** Records the payment of a confirmed order; the amount must equal the order total. */
export type CapturePayment = { type: 'CapturePayment'; data: { paymentId: string; amount: Money } };

/** Cancels a pending or confirmed order. */
export type CancelOrder = { type: 'CancelOrder'; data: { reason?: string } };

/** Every command the order decider accepts. */
export type OrderCommand = PlaceOrder | ConfirmOrder | RejectOrder | CapturePayment | CancelOrder;
