import { productDecider, type Money, type ProductEvent } from '@eventide/domain';
import type { StoredEvent } from '@eventide/event-store';
import { replay } from '@eventide/util';
import { productDetailsWire, productPageWire, productStockWire } from '../openapi/wire-schemas';
import { toHistoricProductDetails, toProductDetails, toProductStock, toProductSummaryItem } from './products.mapper';

const stored = (version: number, event: ProductEvent, timestamp: string) => ({ type: event.type, data: event.data, version, metadata: { timestamp } }) as unknown as StoredEvent;

describe('product mappers', () => {
  it('shows ProductDetails with wire money and the version', () => {
    const doc = { id: 'p1', name: 'Lamp', description: '', price: 1999, availableStock: 7, reservedStock: 3, createdAt: 't1', updatedAt: 't2', version: 4, _id: 'x|p1', tenant: 'x' };
    const details = toProductDetails(doc);
    expect(details).toEqual({ id: 'p1', name: 'Lamp', description: '', price: 19.99, availableStock: 7, reservedStock: 3, createdAt: 't1', updatedAt: 't2', version: 4 });
    expect(productDetailsWire.safeParse(details).success).toBe(true);
  });

  it('shows a product as it was, timed by its first and last events', () => {
    const events = [
      stored(1, { type: 'ProductCreated', data: { name: 'Lamp', description: 'd', price: 1000 as Money, quantity: 5 } }, '2024-01-01T00:00:00.000Z'),
      stored(2, { type: 'ProductQuantityReserved', data: { orderId: 'o1', quantityReserved: 2, currentStock: 3 } }, '2024-01-02T00:00:00.000Z'),
    ];
    const state = replay(productDecider, events.map((e) => ({ type: e.type, data: e.data }) as ProductEvent));
    expect(toHistoricProductDetails('p1', state, events)).toEqual({
      id: 'p1', name: 'Lamp', description: 'd', price: 10, availableStock: 3, reservedStock: 2,
      createdAt: '2024-01-01T00:00:00.000Z', updatedAt: '2024-01-02T00:00:00.000Z', version: 2,
    });
    expect(toHistoricProductDetails('p1', productDecider.initialState(), [])).toBeUndefined();
  });

  it('shows a list row with wire money', () => {
    const items = [toProductSummaryItem({ id: 'p1', name: 'Lamp', nameLower: 'lamp', price: 5, availableStock: 1, createdAt: 't' })];
    expect(items).toEqual([{ id: 'p1', name: 'Lamp', price: 0.05, availableStock: 1, createdAt: 't' }]);
    expect(productPageWire.safeParse({ items, nextCursor: null }).success).toBe(true);
  });

  it('reads the Redis stock hash as numbers, and nothing from an empty hash', () => {
    const stock = toProductStock('p1', { availableStock: '7', reservedStock: '3', version: '5' });
    expect(stock).toEqual({ id: 'p1', availableStock: 7, reservedStock: 3, version: 5 });
    expect(productStockWire.safeParse(stock).success).toBe(true);
    expect(toProductStock('p1', {})).toBeUndefined();
  });
});
