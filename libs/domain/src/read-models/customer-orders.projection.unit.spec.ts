import { orderCancelled, orderConfirmed, orderPlaced, orderRejected, paymentCaptured } from '../testing/domain-events.fixtures';
import { givenEvents } from '../testing/projection-spec';
import { orderStream, timestampOf } from '../testing/projected-events';
import { customerOrders } from './customer-orders.projection';

const order = orderStream('o1');
const placed = order(orderPlaced('c7'), 1);
const base = {
  orderId: 'o1',
  customerId: 'c7',
  status: 'pending' as const,
  total: 4498,
  lineCount: 2,
  placedAt: timestampOf(1),
  updatedAt: timestampOf(1),
};

describe('customerOrders projection', () => {
  it('adds a pending order to the history on OrderPlaced', () => {
    givenEvents(customerOrders, []).when(placed).then(base);
  });

  it.each([
    ['OrderConfirmed', orderConfirmed, 'confirmed'],
    ['OrderRejected', orderRejected(), 'rejected'],
    ['PaymentCaptured', paymentCaptured(), 'paid'],
    ['OrderCancelled', orderCancelled(), 'cancelled'],
  ] as const)('sets the status on %s', (_, event, status) => {
    givenEvents(customerOrders, [placed]).when(order(event, 2)).then({ ...base, status, updatedAt: timestampOf(2) });
  });

  it.each([
    ['OrderConfirmed', orderConfirmed],
    ['PaymentCaptured', paymentCaptured()],
  ])('cannot apply %s before the order exists', (_, event) => {
    givenEvents(customerOrders, []).when(order(event, 1)).thenThrows(/before the document exists/);
  });

  it('cannot apply a second OrderPlaced', () => {
    givenEvents(customerOrders, [placed]).when(order(orderPlaced(), 2)).thenThrows(/existing document/);
  });

  it('is indexed for a customer\'s orders, newest first, within a tenant', () => {
    expect(customerOrders.indexes).toEqual([
      { name: 'tenant_customer_placed', key: { tenant: 1, customerId: 1, placedAt: -1, _id: -1 } },
    ]);
  });
});
