import fc from 'fast-check';
import { moneyFromMinorUnits } from '../money';
import { type ProductCommand } from '../product/product.commands';
import { productDecider } from '../product/product.decider';
import { foldDocument } from '../testing/projection-spec';
import { productStream } from '../testing/projected-events';
import { runCommands } from '../testing/run-commands';
import { productDetails } from './product-details.projection';

const orderId = fc.constantFrom('o1', 'o2', 'o3', '__proto__');
const quantity = fc.integer({ min: 0, max: 15 });
const price = fc.integer({ min: 1, max: 5 }).map(moneyFromMinorUnits);

const createProduct = fc
  .record({ name: fc.constant('Mug'), description: fc.constant(''), price, quantity })
  .map((data): ProductCommand => ({ type: 'CreateProduct', data }));
const productCommand: fc.Arbitrary<ProductCommand> = fc.oneof(
  price.map((p): ProductCommand => ({ type: 'UpdateProductPrice', data: { price: p } })),
  quantity.map((q): ProductCommand => ({ type: 'RestockProduct', data: { quantity: q } })),
  fc.record({ orderId, quantity }).map((data): ProductCommand => ({ type: 'ReserveProductQuantity', data })),
  fc.record({ orderId }).map((data): ProductCommand => ({ type: 'ReleaseProductQuantity', data })),
);
const commands = fc.tuple(createProduct, fc.array(productCommand, { maxLength: 60 })).map(([first, rest]) => [first, ...rest]);

describe('productDetails over decided event sequences', () => {
  it('agrees with the decider on available stock, reserved stock and price', () => {
    const product = productStream('p1');
    fc.assert(
      fc.property(commands, (sequence) => {
        const { state, events } = runCommands(productDecider, sequence);
        if (state.status !== 'active') throw new Error('the first command always creates the product');
        const doc = foldDocument(productDetails, events.map((event, i) => product(event, i + 1)));
        expect(doc && { availableStock: doc.availableStock, reservedStock: doc.reservedStock, price: doc.price }).toEqual({
          availableStock: state.available,
          reservedStock: state.reserved,
          price: state.price,
        });
      }),
      { numRuns: 300 },
    );
  });
});
