import { assertNever, type RedisProjection } from '@eventide/util';
import { aggregateTypes } from '../aggregate-types';
import { productEventTypes } from '../product/product.events';
import { asProductEvent } from './projected-event.guards';
import { redisKeys } from './redis-keys';

/** Live stock per product: a hash of availableStock, reservedStock and the stream version. */
export const stockLevels: RedisProjection = {
  view: 'stock',
  aggregateType: aggregateTypes.product,
  handles: productEventTypes,
  apply(projected) {
    const event = asProductEvent(projected);
    const key = redisKeys.stock(projected.metadata.aggregateId);
    const { version } = projected;
    switch (event.type) {
      case 'ProductCreated':
        return [{ op: 'hset', key, values: { availableStock: event.data.quantity, reservedStock: 0, version } }];
      case 'ProductRestocked':
        return [{ op: 'hset', key, values: { availableStock: event.data.currentStock, version } }];
      case 'ProductQuantityReserved':
        return [
          { op: 'hset', key, values: { availableStock: event.data.currentStock, version } },
          { op: 'hincrby', key, field: 'reservedStock', by: event.data.quantityReserved },
        ];
      case 'ProductQuantityReleased':
        return [
          { op: 'hset', key, values: { availableStock: event.data.currentStock, version } },
          { op: 'hincrby', key, field: 'reservedStock', by: -event.data.quantityReleased },
        ];
      case 'ProductPriceUpdated':
        return [{ op: 'hset', key, values: { version } }];
      default:
        return assertNever(event, 'product event');
    }
  },
};
