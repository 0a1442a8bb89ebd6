import { replay } from '@eventide/util';
import fc from 'fast-check';
import { moneyFromMinorUnits } from '../money';
import { runCommands } from '../testing/run-commands';
import { type ProductCommand } from './product.commands';
import { productDecider } from './product.decider';
import { type ProductEvent } from './product.events';
import { type ProductState } from './product.state';

// Small pools so that repeats, conflicts and releases of live reservations happen often.
const orderId = fc.constantFrom('o1', 'o2', 'o3', '__proto__', 'constructor', '');
const quantity = fc.integer({ min: -2, max: 15 });
const price = fc.integer({ min: 0, max: 4 }).map(moneyFromMinorUnits);

const createProduct = fc.record({ name: fc.constantFrom('Mug', ' '), description: fc.constant(''), price, quantity }).map(
  (data): ProductCommand => ({ type: 'CreateProduct', data }),
);
const productCommand: fc.Arbitrary<ProductCommand> = fc.oneof(
  createProduct,
  price.map((p): ProductCommand => ({ type: 'UpdateProductPrice', data: { price: p } })),
  quantity.map((q): ProductCommand => ({ type: 'RestockProduct', data: { quantity: q } })),
  fc.record({ orderId, quantity }).map((data): ProductCommand => ({ type: 'ReserveProductQuantity', data })),
  fc.record({ orderId }).map((data): ProductCommand => ({ type: 'ReleaseProductQuantity', data })),
);
const commands = fc.tuple(createProduct, fc.array(productCommand, { maxLength: 60 })).map(([first, rest]) => [first, ...rest]);

const stockIn = (events: readonly ProductEvent[]): number =>
  events.reduce((sum, e) => sum + (e.type === 'ProductCreated' ? e.data.quantity : e.type === 'ProductRestocked' ? e.data.quantity : 0), 0);

const sumOf = (values: number[]): number => values.reduce((a, b) => a + b, 0);

function forEveryStep(check: (state: ProductState & { status: 'active' }, events: readonly ProductEvent[]) => void): void {
  fc.assert(
    fc.property(commands, (sequence) => {
      runCommands(productDecider, sequence, (state, events) => {
        if (state.status === 'active') check(state, events);
      });
    }),
    { numRuns: 300 },
  );
}

describe('product invariants over random command sequences', () => {
  it('never lets stock go negative', () => {
    forEveryStep((state) => {
      expect(state.available).toBeGreaterThanOrEqual(0);
      expect(state.reserved).toBeGreaterThanOrEqual(0);
      for (const held of Object.values(state.reservations)) expect(held).toBeGreaterThanOrEqual(1);
    });
  });

  it('conserves stock: available + reserved == created + restocked', () => {
    forEveryStep((state, events) => {
      expect(state.available + state.reserved).toBe(stockIn(events));
    });
  });

  it('keeps reserved equal to the sum of the reservations', () => {
    forEveryStep((state) => {
      expect(state.reserved).toBe(sumOf(Object.values(state.reservations)));
    });
  });

  it('reports in every stock event the available quantity after it', () => {
    forEveryStep((state, events) => {
      const last = events[events.length - 1];
      if (last && 'currentStock' in last.data) expect(last.data.currentStock).toBe(state.available);
    });
  });

  it('replays the produced events to the same state as the incremental fold', () => {
    fc.assert(
      fc.property(commands, (sequence) => {
        const run = runCommands(productDecider, sequence);
        expect(replay(productDecider, run.events)).toEqual(run.state);
      }),
      { numRuns: 300 },
    );
  });

  it('returns to the same stock when a reservation is released', () => {
    fc.assert(
      fc.property(commands, orderId, fc.integer({ min: 1, max: 5 }), (sequence, id, q) => {
        const { state } = runCommands(productDecider, sequence);
        fc.pre(state.status === 'active' && id !== '' && !Object.hasOwn(state.reservations, id) && state.available >= q);
        const after = runCommands(productDecider, [
          ...sequence,
          { type: 'ReserveProductQuantity', data: { orderId: id, quantity: q } },
          { type: 'ReleaseProductQuantity', data: { orderId: id } },
        ]).state;
        expect(after).toEqual(state);
      }),
      { numRuns: 200 },
    );
  });
});
