import { assertNever, type RedisProjection } from '@eventide/util';
import { aggregateTypes } from '../aggregate-types';
import { asOrderEvent } from './projected-event.guards';
import { redisKeys } from './redis-keys';

/** Tenant-wide counters: orders placed, orders confirmed and captured revenue (minor units). */
export const dashboard: RedisProjection = {
  view: 'dashboard',
  aggregateType: aggregateTypes.order,
  handles: ['OrderPlaced', 'OrderConfirmed', 'PaymentCaptured'],
  apply(projected) {
    const event = asOrderEvent(projected);
    const key = redisKeys.dashboard;
    switch (event.type) {
      case 'OrderPlaced':
        return [{ op: 'hincrby', key, field: 'ordersPlaced', by: 1 }];
      case 'OrderConfirmed':
        return [{ op: 'hincrby', key, field: 'ordersConfirmed', by: 1 }];
      case 'PaymentCaptured':
        return [{ op: 'hincrby', key, field: 'revenue', by: event.data.amount }];
      case 'OrderRejected':
      case 'OrderCancelled':
        return [];
      default:
        return assertNever(event, 'order event');
    }
  },
};
