import { assertNever, type RedisProjection } from '@eventide/util';
import { aggregateTypes } from '../aggregate-types';
import { orderEventTypes } from '../order/order.events';
import { orderStatusAfter } from '../order/order.state';
import { asOrderEvent } from './projected-event.guards';
import { LATEST_ORDERS_KEPT, redisKeys } from './redis-keys';

/**
 * The most recently placed orders: a hash per order plus a sorted set of order ids by placement
 * time, trimmed to {@link LATEST_ORDERS_KEPT}.
 */
export const latestOrders: RedisProjection = {
  view: 'latest-orders',
  aggregateType: aggregateTypes.order,
  handles: orderEventTypes,
  apply(projected) {
    const event = asOrderEvent(projected);
    const id = projected.metadata.aggregateId;
    const key = redisKeys.order(id);
    switch (event.type) {
      case 'OrderPlaced': {
        const placedAt = projected.metadata.timestamp;
        const score = Date.parse(placedAt);
        if (Number.isNaN(score)) throw new Error(`latest-orders: invalid timestamp ${placedAt} on ${event.type}`);
        const { customerId, total } = event.data;
        return [
          { op: 'hset', key, values: { id, customerId, total, status: orderStatusAfter[event.type], placedAt } },
          { op: 'zadd', key: redisKeys.latestOrders, member: id, score },
          { op: 'ztrim', key: redisKeys.latestOrders, keep: LATEST_ORDERS_KEPT },
        ];
      }
      case 'OrderConfirmed':
      case 'OrderRejected':
      case 'PaymentCaptured':
      case 'OrderCancelled':
        return [{ op: 'hset', key, values: { status: orderStatusAfter[event.type] } }];
      default:
        return assertNever(event, 'order event');
    }
  },
};
