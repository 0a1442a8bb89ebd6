import { moneyFromMinorUnits as money, MAX_MINOR_UNITS } from '../money';
import { deciderSpec } from '../testing/decider-spec';
import { type OrderCommand, type OrderLineInput } from './order.commands';
import { orderDecider } from './order.decider';
import { type OrderEvent } from './order.events';

const spec = deciderSpec(orderDecider);

const line = (productId: string, quantity: number, unitPrice: number): OrderLineInput => ({ productId, quantity, unitPrice: money(unitPrice) });
const place = (lines: OrderLineInput[] = [line('p1', 2, 1999), line('p2', 1, 500)], customerId = 'c1'): OrderCommand => ({
  type: 'PlaceOrder',
  data: { customerId, lines },
});
const placed: OrderEvent = {
  type: 'OrderPlaced',
  data: {
    customerId: 'c1',
    lines: [
      { productId: 'p1', quantity: 2, unitPrice: money(1999), lineTotal: money(3998) },
      { productId: 'p2', quantity: 1, unitPrice: money(500), lineTotal: money(500) },
    ],
    total: money(4498),
  },
};
const confirmed: OrderEvent = { type: 'OrderConfirmed', data: {} };
const rejected: OrderEvent = { type: 'OrderRejected', data: { reason: 'insufficient-stock' } };
const paid: OrderEvent = { type: 'PaymentCaptured', data: { paymentId: 'pay1', amount: money(4498) } };
const cancelled: OrderEvent = { type: 'OrderCancelled', data: { reason: 'cancelled-by-customer' } };

const confirm: OrderCommand = { type: 'ConfirmOrder', data: {} };
const reject: OrderCommand = { type: 'RejectOrder', data: { reason: 'insufficient-stock' } };
const capture = (paymentId = 'pay1', amount = 4498): OrderCommand => ({ type: 'CapturePayment', data: { paymentId, amount: money(amount) } });
const cancel = (reason?: string): OrderCommand => ({ type: 'CancelOrder', data: reason === undefined ? {} : { reason } });

describe('order decider', () => {
  describe('PlaceOrder', () => {
    it('prices every line and totals them exactly', () => {
      spec.given([]).when(place()).then([placed]);
    });

    it('sums cents exactly where floating point would drift', () => {
      spec
        .given([])
        .when(place([line('p1', 1, 10), line('p2', 1, 20)]))
        .then([
          {
            type: 'OrderPlaced',
            data: {
              customerId: 'c1',
              lines: [
                { productId: 'p1', quantity: 1, unitPrice: money(10), lineTotal: money(10) },
                { productId: 'p2', quantity: 1, unitPrice: money(20), lineTotal: money(20) },
              ],
              total: money(30),
            },
          },
        ]);
    });

    it('accepts 100 lines', () => {
      const lines = Array.from({ length: 100 }, (_, i) => line(`p${i}`, 1, 100));
      const [event] = orderDecider.decide(place(lines), orderDecider.initialState());
      expect(event?.type === 'OrderPlaced' && event.data.total).toBe(10_000);
    });

    it('refuses an order that already exists', () => {
      spec.given([placed]).when(place()).thenThrows('conflict', 'order-exists');
    });

    it.each<[string, OrderCommand, string]>([
      ['no lines', place([]), 'invalid-lines'],
      ['101 lines', place(Array.from({ length: 101 }, (_, i) => line(`p${i}`, 1, 100))), 'invalid-lines'],
      ['a blank customer', place(undefined, ' '), 'invalid-customer-id'],
      ['a blank product id', place([line('', 1, 100)]), 'invalid-product-id'],
      ['a zero quantity', place([line('p1', 0, 100)]), 'invalid-quantity'],
      ['a fractional quantity', place([line('p1', 1.5, 100)]), 'invalid-quantity'],
      ['a zero unit price', place([line('p1', 1, 0)]), 'invalid-price'],
      ['the same product on two lines', place([line('p1', 1, 100), line('p2', 1, 100), line('p1', 2, 100)]), 'duplicate-product'],
      ['a line total beyond the money range', place([line('p1', 2, MAX_MINOR_UNITS)]), 'amount-out-of-range'],
      ['a total beyond the money range', place([line('p1', 1, MAX_MINOR_UNITS), line('p2', 1, 1)]), 'amount-out-of-range'],
    ])('refuses %s', (_, command, reason) => {
      spec.given([]).when(command).thenThrows('validation', reason);
    });
  });

  it.each<[string, OrderCommand]>([
    ['ConfirmOrder', confirm],
    ['RejectOrder', reject],
    ['CapturePayment', capture()],
    ['CancelOrder', cancel()],
  ])('refuses %s on an order that does not exist', (_, command) => {
    spec.given([]).when(command).thenThrows('not-found', 'order-not-found');
  });

  describe('ConfirmOrder', () => {
    it('confirms a pending order', () => {
      spec.given([placed]).when(confirm).then([confirmed]);
    });

    it.each([
      ['confirmed', [placed, confirmed]],
      ['paid', [placed, confirmed, paid]],
    ])('decides nothing for a %s order', (_, history) => {
      spec.given(history).when(confirm).then([]);
    });

    it.each([
      ['rejected', [placed, rejected]],
      ['cancelled', [placed, cancelled]],
    ])('refuses a %s order', (_, history) => {
      spec.given(history).when(confirm).thenThrows('business-rule', 'order-not-pending');
    });
  });

  describe('RejectOrder', () => {
    it('rejects a pending order with the reason', () => {
      spec.given([placed]).when(reject).then([rejected]);
    });

    it('decides nothing for an order already rejected', () => {
      spec.given([placed, rejected]).when(reject).then([]);
    });

    it.each([
      ['confirmed', [placed, confirmed]],
      ['paid', [placed, confirmed, paid]],
      ['cancelled', [placed, cancelled]],
    ])('refuses a %s order', (_, history) => {
      spec.given(history).when(reject).thenThrows('business-rule', 'order-not-pending');
    });

    it('refuses a blank reason', () => {
      spec.given([placed]).when({ type: 'RejectOrder', data: { reason: '' } }).thenThrows('validation', 'invalid-reason');
    });
  });

  describe('CapturePayment', () => {
    it('captures the exact total of a confirmed order', () => {
      spec.given([placed, confirmed]).when(capture()).then([paid]);
    });

    it.each([4497, 4499])('refuses %p when the total is 4498, saying what was expected', (amount) => {
      const error = spec.given([placed, confirmed]).when(capture('pay1', amount)).thenThrows('business-rule', 'amount-mismatch');
      expect(error.details).toEqual({ expected: 4498, total: 4498, actual: amount });
    });

    it('decides nothing when the same payment is captured again', () => {
      spec.given([placed, confirmed, paid]).when(capture()).then([]);
    });

    it('refuses a second payment with another id', () => {
      spec.given([placed, confirmed, paid]).when(capture('pay2')).thenThrows('business-rule', 'already-paid');
    });

    it('refuses a repeat of the same payment id with another amount', () => {
      spec.given([placed, confirmed, paid]).when(capture('pay1', 1)).thenThrows('business-rule', 'amount-mismatch');
    });

    it.each([
      ['pending', [placed]],
      ['rejected', [placed, rejected]],
      ['cancelled', [placed, confirmed, cancelled]],
    ])('refuses a %s order', (_, history) => {
      spec.given(history).when(capture()).thenThrows('business-rule', 'order-not-confirmed');
    });

    it.each<[string, OrderCommand, string]>([
      ['a blank payment id', capture(' '), 'invalid-payment-id'],
      ['a zero amount', capture('pay1', 0), 'invalid-amount'],
    ])('refuses %s', (_, command, reason) => {
      spec.given([placed, confirmed]).when(command).thenThrows('validation', reason);
    });
  });

  describe('CancelOrder', () => {
    it.each([
      ['pending', [placed]],
      ['confirmed', [placed, confirmed]],
    ])('cancels a %s order with the default reason', (_, history) => {
      spec.given(history).when(cancel()).then([cancelled]);
    });

    it('keeps the reason given', () => {
      spec.given([placed]).when(cancel('changed my mind')).then([{ type: 'OrderCancelled', data: { reason: 'changed my mind' } }]);
    });

    it('decides nothing for an order already cancelled', () => {
      spec.given([placed, cancelled]).when(cancel()).then([]);
    });

    it('refuses a paid order', () => {
      spec.given([placed, confirmed, paid]).when(cancel()).thenThrows('business-rule', 'already-paid');
    });

    it('refuses a rejected order', () => {
      spec.given([placed, rejected]).when(cancel()).thenThrows('business-rule', 'order-rejected');
    });
  });
});
