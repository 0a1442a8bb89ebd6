import { assertNever, type DocumentProjection } from '@eventide/util';
import { aggregateTypes } from '../aggregate-types';
import { orderEventTypes } from '../order/order.events';
import { orderStatusAfter, type OrderStatus } from '../order/order.state';
import { asOrderEvent, requireDoc, requireNoDoc } from './projected-event.guards';

/** One order in a customer's order history; money in minor units, dates ISO-8601. */
export interface CustomerOrderDoc {
  orderId: string;
  customerId: string;
  status: OrderStatus;
  total: number;
  lineCount: number;
  placedAt: string;
  updatedAt: string;
}

const view = 'customer-orders';


/** A customer's order history, newest first, one document per order. */
export const customerOrders: DocumentProjection<CustomerOrderDoc> = {
  view,
  aggregateType: aggregateTypes.order,
  handles: orderEventTypes,
  indexes: [{ name: 'tenant_customer_placed', key: { tenant: 1, customerId: 1, placedAt: -1, _id: -1 } }],
  evolve(doc, projected) {
    const event = asOrderEvent(projected);
    const at = projected.metadata.timestamp;
    if (event.type === 'OrderPlaced') {
      requireNoDoc(doc, projected, view);
      const { customerId, lines, total } = event.data;
      const orderId = projected.metadata.aggregateId;
      return { orderId, customerId, status: orderStatusAfter.OrderPlaced, total, lineCount: lines.length, placedAt: at, updatedAt: at };
    }
    const current = requireDoc(doc, projected, view);
    switch (event.type) {
      case 'OrderConfirmed':
      case 'OrderRejected':
      case 'PaymentCaptured':
      case 'OrderCancelled':
        return { ...current, status: orderStatusAfter[event.type], updatedAt: at };
      default:
        return assertNever(event, 'order event');
    }
  },
};
