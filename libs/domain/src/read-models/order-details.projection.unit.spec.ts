import {
  orderCancelled,
  orderConfirmed,
  orderLines,
  orderPlaced,
  orderRejected,
  paymentCaptured,
} from '../testing/domain-events.fixtures';
import { givenEvents } from '../testing/projection-spec';
import { orderStream, projectedEvent, timestampOf } from '../testing/projected-events';
import { type OrderDetailsDoc, orderDetails } from './order-details.projection';

const order = orderStream('o1');
const placed = order(orderPlaced('c1'), 1);
const confirmed = order(orderConfirmed, 2);
const base: OrderDetailsDoc = {
  id: 'o1',
  customerId: 'c1',
  status: 'pending',
  lines: orderLines.map((line) => ({ ...line })),
  total: 4498,
  placedAt: timestampOf(1),
  updatedAt: timestampOf(1),
};

describe('orderDetails projection', () => {
  it('creates a pending order from OrderPlaced', () => {
    givenEvents(orderDetails, []).when(placed).then(base);
  });

  it('confirms on OrderConfirmed', () => {
    givenEvents(orderDetails, [placed]).when(confirmed).then({ ...base, status: 'confirmed', updatedAt: timestampOf(2) });
  });

  it('records the reason on OrderRejected', () => {
    givenEvents(orderDetails, [placed])
      .when(order(orderRejected('out of stock'), 2))
      .then({ ...base, status: 'rejected', rejectionReason: 'out of stock', updatedAt: timestampOf(2) });
  });

  it('records the payment on PaymentCaptured', () => {
    givenEvents(orderDetails, [placed, confirmed])
      .when(order(paymentCaptured(4498, 'pay-9'), 3))
      .then({
        ...base,
        status: 'paid',
        payment: { paymentId: 'pay-9', amount: 4498, capturedAt: timestampOf(3) },
        updatedAt: timestampOf(3),
      });
  });

  it('records the reason on OrderCancelled', () => {
    givenEvents(orderDetails, [placed, confirmed])
      .when(order(orderCancelled('too slow'), 3))
      .then({ ...base, status: 'cancelled', cancellationReason: 'too slow', updatedAt: timestampOf(3) });
  });

  it.each([
    ['OrderConfirmed', orderConfirmed],
    ['OrderRejected', orderRejected()],
    ['PaymentCaptured', paymentCaptured()],
    ['OrderCancelled', orderCancelled()],
  ])('cannot apply %s before the order exists', (_, event) => {
    givenEvents(orderDetails, []).when(order(event, 1)).thenThrows(/before the document exists/);
  });

  it('cannot apply a second OrderPlaced', () => {
    givenEvents(orderDetails, [placed]).when(order(orderPlaced(), 2)).thenThrows(/existing document/);
  });

  it('cannot apply an event that is not an order event', () => {
    const foreign = projectedEvent({ type: 'ProductCreated', data: {} }, { aggregateType: 'order', aggregateId: 'o1', version: 2 });
    givenEvents(orderDetails, [placed]).when(foreign).thenThrows('not an order event: ProductCreated');
  });
});
