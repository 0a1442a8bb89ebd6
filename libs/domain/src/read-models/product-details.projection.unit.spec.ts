import { priceUpdated, productCreated, released, reserved, restocked } from '../testing/domain-events.fixtures';
import { givenEvents } from '../testing/projection-spec';
import { productStream, projectedEvent, timestampOf } from '../testing/projected-events';
import { productDetails } from './product-details.projection';

const product = productStream('p1');
const created = product(productCreated(10), 1);
const base = {
  id: 'p1',
  name: 'Blue Mug',
  description: 'A mug',
  price: 1999,
  availableStock: 10,
  reservedStock: 0,
  createdAt: timestampOf(1),
  updatedAt: timestampOf(1),
};

describe('productDetails projection', () => {
  it('creates the document from ProductCreated', () => {
    givenEvents(productDetails, []).when(created).then(base);
  });

  it('sets the price on ProductPriceUpdated', () => {
    givenEvents(productDetails, [created])
      .when(product(priceUpdated(1999, 2499), 2))
      .then({ ...base, price: 2499, updatedAt: timestampOf(2) });
  });

  it('takes the available stock from ProductRestocked', () => {
    givenEvents(productDetails, [created])
      .when(product(restocked(5, 15), 2))
      .then({ ...base, availableStock: 15, updatedAt: timestampOf(2) });
  });

  it('moves stock to reserved on ProductQuantityReserved', () => {
    givenEvents(productDetails, [created, product(reserved('o1', 3, 7), 2)])
      .when(product(reserved('o2', 2, 5), 3))
      .then({ ...base, availableStock: 5, reservedStock: 5, updatedAt: timestampOf(3) });
  });

  it('moves stock back to available on ProductQuantityReleased', () => {
    givenEvents(productDetails, [created, product(reserved('o1', 3, 7), 2)])
      .when(product(released('o1', 3, 10), 3))
      .then({ ...base, availableStock: 10, reservedStock: 0, updatedAt: timestampOf(3) });
  });

  it.each([
    ['ProductPriceUpdated', priceUpdated(1999, 2499)],
    ['ProductRestocked', restocked(5, 15)],
    ['ProductQuantityReserved', reserved('o1', 3, 7)],
    ['ProductQuantityReleased', released('o1', 3, 10)],
  ])('cannot apply %s before the product exists', (_, event) => {
    givenEvents(productDetails, []).when(product(event, 1)).thenThrows(/before the document exists/);
  });

  it('cannot apply a second ProductCreated', () => {
    givenEvents(productDetails, [created]).when(product(productCreated(), 2)).thenThrows(/existing document/);
  });

  it('cannot apply an event that is not a product event', () => {
    const foreign = projectedEvent({ type: 'OrderPlaced', data: {} }, { aggregateType: 'product', aggregateId: 'p1', version: 2 });
    givenEvents(productDetails, [created]).when(foreign).thenThrows('not a product event: OrderPlaced');
  });
});
