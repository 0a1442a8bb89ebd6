import { priceUpdated, productCreated, released, reserved, restocked } from '../testing/domain-events.fixtures';
import { givenEvents } from '../testing/projection-spec';
import { productStream, timestampOf } from '../testing/projected-events';
import { productSummary } from './product-summary.projection';

const product = productStream('p1');
const created = product(productCreated(10, 'Blue MUG'), 1);
const base = { id: 'p1', name: 'Blue MUG', nameLower: 'blue mug', price: 1999, availableStock: 10, createdAt: timestampOf(1) };

describe('productSummary projection', () => {
  it('creates the row from ProductCreated, with a lower-case name for search', () => {
    givenEvents(productSummary, []).when(created).then(base);
  });

  it('sets the price on ProductPriceUpdated', () => {
    givenEvents(productSummary, [created]).when(product(priceUpdated(1999, 2499), 2)).then({ ...base, price: 2499 });
  });

  it.each([
    ['ProductRestocked', restocked(5, 15), 15],
    ['ProductQuantityReserved', reserved('o1', 3, 7), 7],
    ['ProductQuantityReleased', released('o1', 3, 10), 10],
  ])('takes the available stock from %s', (_, event, availableStock) => {
    givenEvents(productSummary, [created]).when(product(event, 2)).then({ ...base, availableStock });
  });

  it.each([
    ['ProductPriceUpdated', priceUpdated(1999, 2499)],
    ['ProductRestocked', restocked(5, 15)],
    ['ProductQuantityReserved', reserved('o1', 3, 7)],
    ['ProductQuantityReleased', released('o1', 3, 10)],
  ])('cannot apply %s before the product exists', (_, event) => {
    givenEvents(productSummary, []).when(product(event, 1)).thenThrows(/before the document exists/);
  });

  it('cannot apply a second ProductCreated', () => {
    givenEvents(productSummary, [created]).when(product(productCreated(), 2)).thenThrows(/existing document/);
  });

  it('declares tenant-first indexes for paging by id, price and name', () => {
    expect(productSummary.indexes.map((index) => index.name)).toEqual(['tenant_id', 'tenant_price_id', 'tenant_nameLower_id']);
    for (const index of productSummary.indexes) expect(Object.keys(index.key)[0]).toBe('tenant');
  });
});
