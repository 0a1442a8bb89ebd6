import { priceUpdated, productCreated, released, reserved, restocked } from '../testing/domain-events.fixtures';
import { whenApplied } from '../testing/projection-spec';
import { productStream, projectedEvent } from '../testing/projected-events';
import { topProducts } from './top-products.projection';

const product = productStream('p1');

describe('topProducts projection', () => {
  it('ranks the product up by the reserved quantity on ProductQuantityReserved', () => {
    whenApplied(topProducts, product(reserved('o1', 3, 7), 2)).thenWrites([
      { op: 'zincrby', key: 'top-products', member: 'p1', by: 3 },
    ]);
  });

  it('ranks the product down by the released quantity on ProductQuantityReleased', () => {
    whenApplied(topProducts, product(released('o1', 3, 10), 3)).thenWrites([
      { op: 'zincrby', key: 'top-products', member: 'p1', by: -3 },
    ]);
  });

  it.each([
    ['ProductCreated', productCreated()],
    ['ProductPriceUpdated', priceUpdated(1999, 2499)],
    ['ProductRestocked', restocked(5, 15)],
  ])('writes nothing on %s', (_, event) => {
    whenApplied(topProducts, product(event, 1)).thenWrites([]);
  });

  it('cannot apply an event that is not a product event', () => {
    const foreign = projectedEvent({ type: 'Unknown', data: {} }, { aggregateType: 'product', aggregateId: 'p1', version: 1 });
    whenApplied(topProducts, foreign).thenThrows('not a product event: Unknown');
  });
});
