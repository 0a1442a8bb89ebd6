import { moneyFromMinorUnits as money } from '../money';
import { deciderSpec } from '../testing/decider-spec';
import { type ProductCommand } from './product.commands';
import { productDecider } from './product.decider';
import { type ProductEvent } from './product.events';

const spec = deciderSpec(productDecider);

const create = (data: Partial<{ name: string; description: string; price: number; quantity: number }> = {}): ProductCommand => ({
  type: 'CreateProduct',
  data: { name: 'Mug', description: 'Blue', quantity: 10, ...data, price: money(data.price ?? 1999) },
});
const created: ProductEvent = { type: 'ProductCreated', data: { name: 'Mug', description: 'Blue', price: money(1999), quantity: 10 } };
const reserve = (orderId: string, quantity: number): ProductCommand => ({ type: 'ReserveProductQuantity', data: { orderId, quantity } });
const reserved = (orderId: string, quantityReserved: number, currentStock: number): ProductEvent => ({
  type: 'ProductQuantityReserved',
  data: { orderId, quantityReserved, currentStock },
});
const release = (orderId: string): ProductCommand => ({ type: 'ReleaseProductQuantity', data: { orderId } });

describe('product decider', () => {
  describe('CreateProduct', () => {
    it('creates a product with its initial stock', () => {
      spec.given([]).when(create()).then([created]);
    });

    it('trims the name and accepts zero stock and an empty description', () => {
      spec
        .given([])
        .when(create({ name: '  Mug  ', description: '', quantity: 0 }))
        .then([{ type: 'ProductCreated', data: { name: 'Mug', description: '', price: money(1999), quantity: 0 } }]);
    });

    it('accepts a name of exactly 200 characters and a description of 2000', () => {
      const name = 'n'.repeat(200);
      const description = 'd'.repeat(2000);
      spec.given([]).when(create({ name: ` ${name} `, description })).then([
        { type: 'ProductCreated', data: { name, description, price: money(1999), quantity: 10 } },
      ]);
    });

    it('refuses a product that already exists', () => {
      spec.given([created]).when(create()).thenThrows('conflict', 'product-exists');
    });

    it.each([
      ['a blank name', { name: '   ' }, 'invalid-name'],
      ['a name over 200 characters', { name: 'n'.repeat(201) }, 'invalid-name'],
      ['a description over 2000 characters', { description: 'd'.repeat(2001) }, 'invalid-description'],
      ['a zero price', { price: 0 }, 'invalid-price'],
      ['a negative price', { price: -1 }, 'invalid-price'],
      ['a negative quantity', { quantity: -1 }, 'invalid-quantity'],
      ['a fractional quantity', { quantity: 1.5 }, 'invalid-quantity'],
    ])('refuses %s', (_, data, reason) => {
      spec.given([]).when(create(data)).thenThrows('validation', reason);
    });

    it('refuses a fractional price in minor units', () => {
      const command: ProductCommand = { type: 'CreateProduct', data: { name: 'Mug', description: '', price: 19.5 as never, quantity: 1 } };
      spec.given([]).when(command).thenThrows('validation', 'invalid-price');
    });
  });

  it.each<[string, ProductCommand]>([
    ['UpdateProductPrice', { type: 'UpdateProductPrice', data: { price: money(100) } }],
    ['RestockProduct', { type: 'RestockProduct', data: { quantity: 1 } }],
    ['ReserveProductQuantity', reserve('o1', 1)],
    ['ReleaseProductQuantity', release('o1')],
  ])('refuses %s on a product that does not exist', (_, command) => {
    spec.given([]).when(command).thenThrows('not-found', 'product-not-found');
  });

  describe('UpdateProductPrice', () => {
    it('records the old and the new price', () => {
      spec
        .given([created])
        .when({ type: 'UpdateProductPrice', data: { price: money(2499) } })
        .then([{ type: 'ProductPriceUpdated', data: { oldPrice: money(1999), newPrice: money(2499) } }]);
    });

    it('decides nothing when the price is unchanged', () => {
      spec.given([created]).when({ type: 'UpdateProductPrice', data: { price: money(1999) } }).then([]);
    });

    it('compares with the latest price, not the first', () => {
      const updated: ProductEvent = { type: 'ProductPriceUpdated', data: { oldPrice: money(1999), newPrice: money(2499) } };
      spec
        .given([created, updated])
        .when({ type: 'UpdateProductPrice', data: { price: money(1999) } })
        .then([{ type: 'ProductPriceUpdated', data: { oldPrice: money(2499), newPrice: money(1999) } }]);
    });

    it('refuses a price that is not positive', () => {
      spec.given([created]).when({ type: 'UpdateProductPrice', data: { price: money(0) } }).thenThrows('validation', 'invalid-price');
    });
  });

  describe('RestockProduct', () => {
    it('adds stock and reports the available quantity afterwards', () => {
      spec
        .given([created, reserved('o1', 4, 6)])
        .when({ type: 'RestockProduct', data: { quantity: 5 } })
        .then([{ type: 'ProductRestocked', data: { quantity: 5, currentStock: 11 } }]);
    });

    it.each([0, -3, 2.5])('refuses a restock of %p', (quantity) => {
      spec.given([created]).when({ type: 'RestockProduct', data: { quantity } }).thenThrows('validation', 'invalid-quantity');
    });
  });

  describe('ReserveProductQuantity', () => {
    it('holds stock for the order', () => {
      spec.given([created]).when(reserve('o1', 3)).then([reserved('o1', 3, 7)]);
    });

    it('may reserve every available unit', () => {
      spec.given([created, reserved('o1', 3, 7)]).when(reserve('o2', 7)).then([reserved('o2', 7, 0)]);
    });

    it('decides nothing when the order already holds a reservation', () => {
      spec.given([created, reserved('o1', 3, 7)]).when(reserve('o1', 3)).then([]);
    });

    it('treats order ids that look like object keys as ordinary ids', () => {
      spec.given([created]).when(reserve('__proto__', 2)).then([reserved('__proto__', 2, 8)]);
      spec.given([created]).when(reserve('constructor', 2)).then([reserved('constructor', 2, 8)]);
    });

    it('refuses more than is available, saying how much is', () => {
      const error = spec.given([created, reserved('o1', 8, 2)]).when(reserve('o2', 3)).thenThrows('business-rule', 'insufficient-stock');
      expect(error.details).toEqual({ available: 2, requested: 3 });
    });

    it.each([0, -1, 1.5])('refuses a reservation of %p', (quantity) => {
      spec.given([created]).when(reserve('o1', quantity)).thenThrows('validation', 'invalid-quantity');
    });

    it('refuses a blank order id', () => {
      spec.given([created]).when(reserve(' ', 1)).thenThrows('validation', 'invalid-order-id');
    });
  });

  describe('ReleaseProductQuantity', () => {
    it('returns exactly the reserved quantity to available stock', () => {
      spec
        .given([created, reserved('o1', 3, 7), reserved('o2', 2, 5)])
        .when(release('o1'))
        .then([{ type: 'ProductQuantityReleased', data: { orderId: 'o1', quantityReleased: 3, currentStock: 8 } }]);
    });

    it('decides nothing when the order holds no reservation', () => {
      spec.given([created]).when(release('o1')).then([]);
    });

    it('decides nothing when the reservation was already released', () => {
      const released: ProductEvent = { type: 'ProductQuantityReleased', data: { orderId: 'o1', quantityReleased: 3, currentStock: 10 } };
      spec.given([created, reserved('o1', 3, 7), released]).when(release('o1')).then([]);
    });

    it('refuses a blank order id', () => {
      spec.given([created]).when(release('')).thenThrows('validation', 'invalid-order-id');
    });
  });
});
