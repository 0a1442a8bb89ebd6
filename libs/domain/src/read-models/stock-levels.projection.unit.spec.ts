import { priceUpdated, productCreated, released, reserved, restocked } from '../testing/domain-events.fixtures';
import { whenApplied } from '../testing/projection-spec';
import { productStream, projectedEvent } from '../testing/projected-events';
import { redisKeys } from './redis-keys';
import { stockLevels } from './stock-levels.projection';

const product = productStream('p1');
const key = redisKeys.stock('p1');

describe('stockLevels projection', () => {
  it('starts the stock hash on ProductCreated', () => {
    whenApplied(stockLevels, product(productCreated(10), 1)).thenWrites([
      { op: 'hset', key: 'stock:p1', values: { availableStock: 10, reservedStock: 0, version: 1 } },
    ]);
  });

  it('sets the available stock on ProductRestocked', () => {
    whenApplied(stockLevels, product(restocked(5, 15), 2)).thenWrites([
      { op: 'hset', key, values: { availableStock: 15, version: 2 } },
    ]);
  });

  it('sets the available stock and adds to reserved on ProductQuantityReserved', () => {
    whenApplied(stockLevels, product(reserved('o1', 3, 7), 3)).thenWrites([
      { op: 'hset', key, values: { availableStock: 7, version: 3 } },
      { op: 'hincrby', key, field: 'reservedStock', by: 3 },
    ]);
  });

  it('sets the available stock and takes from reserved on ProductQuantityReleased', () => {
    whenApplied(stockLevels, product(released('o1', 3, 10), 4)).thenWrites([
      { op: 'hset', key, values: { availableStock: 10, version: 4 } },
      { op: 'hincrby', key, field: 'reservedStock', by: -3 },
    ]);
  });

  it('only advances the version on ProductPriceUpdated', () => {
    whenApplied(stockLevels, product(priceUpdated(1999, 2499), 5)).thenWrites([{ op: 'hset', key, values: { version: 5 } }]);
  });

  it('cannot apply an event that is not a product event', () => {
    const foreign = projectedEvent({ type: 'OrderPlaced', data: {} }, { aggregateType: 'product', aggregateId: 'p1', version: 1 });
    whenApplied(stockLevels, foreign).thenThrows('not a product event: OrderPlaced');
  });
});
