import { assertNever, type DocumentProjection } from '@eventide/util';
import { aggregateTypes } from '../aggregate-types';
import { orderEventTypes } from '../order/order.events';
import { orderStatusAfter, type OrderStatus } from '../order/order.state';
import { asOrderEvent, requireDoc, requireNoDoc } from './projected-event.guards';

/** One line of an order as shown; money in minor units. */
export interface OrderDetailsLine {
  productId: string;
  quantity: number;
  unitPrice: number;
  lineTotal: number;
}

/** One order as its details page shows it; dates ISO-8601. */
export interface OrderDetailsDoc {
  id: string;
  customerId: string;
  status: OrderStatus;
  lines: OrderDetailsLine[];
  total: number;
  placedAt: string;
  updatedAt: string;
  rejectionReason?: string;
  cancellationReason?: string;
  payment?: { paymentId: string; amount: number; capturedAt: string };
}

const view = 'order-details';

/** Order details, read by `_id` (no extra indexes). */
export const orderDetails: DocumentProjection<OrderDetailsDoc> = {
  view,
  aggregateType: aggregateTypes.order,
  handles: orderEventTypes,
  indexes: [],
  evolve(doc, projected) {
    const event = asOrderEvent(projected);
    const at = projected.metadata.timestamp;
    if (event.type === 'OrderPlaced') {
      requireNoDoc(doc, projected, view);
      const { customerId, lines, total } = event.data;
      return {
        id: projected.metadata.aggregateId,
        customerId,
        status: orderStatusAfter.OrderPlaced,
        lines: lines.map(({ productId, quantity, unitPrice, lineTotal }) => ({ productId, quantity, unitPrice, lineTotal })),
        total,
        placedAt: at,
        updatedAt: at,
      };
    }
    const current = requireDoc(doc, projected, view);
    switch (event.type) {
      case 'OrderConfirmed':
        return { ...current, status: orderStatusAfter[event.type], updatedAt: at };
      case 'OrderRejected':
        return { ...current, status: orderStatusAfter[event.type], rejectionReason: event.data.reason, updatedAt: at };
      case 'PaymentCaptured': {
        const { paymentId, amount } = event.data;
        return { ...current, status: orderStatusAfter[event.type], payment: { paymentId, amount, capturedAt: at }, updatedAt: at };
      }
      case 'OrderCancelled':
        return { ...current, status: orderStatusAfter[event.type], cancellationReason: event.data.reason, updatedAt: at };
      default:
        return assertNever(event, 'order event');
    }
  },
};
