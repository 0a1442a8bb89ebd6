import { replay } from '@eventide/util';
import fc from 'fast-check';
import { moneyFromMinorUnits } from '../money';
import { type CommandStep, runCommands } from '../testing/run-commands';
import { type OrderCommand } from './order.commands';
import { orderDecider } from './order.decider';
import { type OrderEvent } from './order.events';
import { type OrderState, type OrderStatus } from './order.state';

type Step = CommandStep<OrderCommand, OrderState>;

const orderLine = fc.record({
  productId: fc.constantFrom('p1', 'p2', 'p3', 'p4', ''),
  quantity: fc.integer({ min: -1, max: 5 }),
  unitPrice: fc.oneof(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 1, max: 1e9 })).map(moneyFromMinorUnits),
});
const placeOrder = fc
  .record({ customerId: fc.constantFrom('c1', ''), lines: fc.array(orderLine, { maxLength: 5 }) })
  .map((data): Step => ({ type: 'PlaceOrder', data }));
// A null amount pays whatever the order totals now, so captures succeed often enough to matter.
const capturePayment = fc
  .record({ paymentId: fc.constantFrom('pay1', 'pay2'), amount: fc.option(fc.integer({ min: 0, max: 1000 })) })
  .map(({ paymentId, amount }): Step => (state) => ({
    type: 'CapturePayment',
    data: { paymentId, amount: moneyFromMinorUnits(amount ?? (state.status === 'none' ? 1 : state.total)) },
  }));
const orderCommand: fc.Arbitrary<Step> = fc.oneof(
  placeOrder,
  fc.constant<Step>({ type: 'ConfirmOrder', data: {} }),
  fc.constantFrom('out-of-stock', '').map((reason): Step => ({ type: 'RejectOrder', data: { reason } })),
  capturePayment,
  capturePayment,
  fc.option(fc.constantFrom('changed my mind', '')).map((reason): Step => ({ type: 'CancelOrder', data: reason === null ? {} : { reason } })),
);
const steps = fc.tuple(placeOrder, fc.array(orderCommand, { maxLength: 30 })).map(([first, rest]) => [first, ...rest]);

const finalStatuses: ReadonlySet<OrderStatus | 'none'> = new Set(['rejected', 'paid', 'cancelled']);
const count = (events: readonly OrderEvent[], type: OrderEvent['type']): number => events.filter((e) => e.type === type).length;

function forEveryRun(check: (states: OrderState[], events: readonly OrderEvent[]) => void): void {
  fc.assert(
    fc.property(steps, (sequence) => {
      const states: OrderState[] = [];
      const run = runCommands(orderDecider, sequence, (state) => states.push(state));
      check(states, run.events);
    }),
    { numRuns: 500 },
  );
}

describe('order invariants over random command sequences', () => {
  it('always totals exactly the sum of its line totals, each unitPrice * quantity', () => {
    forEveryRun((states) => {
      for (const state of states) {
        if (state.status === 'none') continue;
        for (const line of state.lines) expect(line.lineTotal).toBe(line.unitPrice * line.quantity);
        expect(state.total).toBe(state.lines.reduce((sum, line) => sum + line.lineTotal, 0));
      }
    });
  });

  it('captures a payment at most once, and only for the full total', () => {
    forEveryRun((_, events) => {
      expect(count(events, 'PaymentCaptured')).toBeLessThanOrEqual(1);
      const placed = events.find((event) => event.type === 'OrderPlaced');
      for (const event of events) {
        if (event.type === 'PaymentCaptured') expect(event.data.amount).toBe(placed?.data.total);
      }
    });
  });

  it('never leaves a final status once reached', () => {
    forEveryRun((states) => {
      const firstFinal = states.findIndex((state) => finalStatuses.has(state.status));
      if (firstFinal < 0) return;
      for (const state of states.slice(firstFinal)) expect(state.status).toBe(states[firstFinal]?.status);
    });
  });

  it('is placed at most once and leaves pending at most once', () => {
    forEveryRun((_, events) => {
      expect(count(events, 'OrderPlaced')).toBeLessThanOrEqual(1);
      const exits = count(events, 'OrderConfirmed') + count(events, 'OrderRejected');
      expect(exits).toBeLessThanOrEqual(1);
      expect(count(events, 'OrderCancelled')).toBeLessThanOrEqual(1);
    });
  });

  it('replays the produced events to the same state as the incremental fold', () => {
    fc.assert(
      fc.property(steps, (sequence) => {
        const run = runCommands(orderDecider, sequence);
        expect(replay(orderDecider, run.events)).toEqual(run.state);
      }),
      { numRuns: 500 },
    );
  });
});
