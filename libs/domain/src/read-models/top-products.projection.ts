import { assertNever, type RedisProjection } from '@eventide/util';
import { aggregateTypes } from '../aggregate-types';
import { asProductEvent } from './projected-event.guards';
import { redisKeys } from './redis-keys';

/** Products ranked by the net units currently committed to orders (reserved minus released). */
export const topProducts: RedisProjection = {
  view: 'top-products',
  aggregateType: aggregateTypes.product,
  handles: ['ProductQuantityReserved', 'ProductQuantityReleased'],
  apply(projected) {
    const event = asProductEvent(projected);
    const member = projected.metadata.aggregateId;
    const key = redisKeys.topProducts;
    switch (event.type) {
      case 'ProductQuantityReserved':
        return [{ op: 'zincrby', key, member, by: event.data.quantityReserved }];
      case 'ProductQuantityReleased':
        return [{ op: 'zincrby', key, member, by: -event.data.quantityReleased }];
      case 'ProductCreated':
      case 'ProductPriceUpdated':
      case 'ProductRestocked':
        return [];
      default:
        return assertNever(event, 'product event');
    }
  },
};
