import { orderCancelled, orderConfirmed, orderPlaced, orderRejected, paymentCaptured } from '../testing/domain-events.fixtures';
import { whenApplied } from '../testing/projection-spec';
import { orderStream, projectedEvent } from '../testing/projected-events';
import { latestOrders } from './latest-orders.projection';
import { LATEST_ORDERS_KEPT } from './redis-keys';

const order = orderStream('o1');
const placedAt = '2024-03-01T12:00:00.000Z';

describe('latestOrders projection', () => {
  it('stores the order, ranks it by placement time and trims the list on OrderPlaced', () => {
    whenApplied(latestOrders, order(orderPlaced('c1'), 1, placedAt)).thenWrites([
      { op: 'hset', key: 'order:o1', values: { id: 'o1', customerId: 'c1', total: 4498, status: 'pending', placedAt } },
      { op: 'zadd', key: 'latest-orders', member: 'o1', score: Date.parse(placedAt) },
      { op: 'ztrim', key: 'latest-orders', keep: LATEST_ORDERS_KEPT },
    ]);
  });

  it.each([
    ['OrderConfirmed', orderConfirmed, 'confirmed'],
    ['OrderRejected', orderRejected(), 'rejected'],
    ['PaymentCaptured', paymentCaptured(), 'paid'],
    ['OrderCancelled', orderCancelled(), 'cancelled'],
  ])('sets the status on %s', (_, event, status) => {
    whenApplied(latestOrders, order(event, 2)).thenWrites([{ op: 'hset', key: 'order:o1', values: { status } }]);
  });

  it('cannot apply an OrderPlaced whose timestamp does not parse', () => {
    whenApplied(latestOrders, order(orderPlaced(), 1, 'yesterday')).thenThrows(/invalid timestamp/);
  });

  it('cannot apply an event that is not an order event', () => {
    const foreign = projectedEvent({ type: 'ProductCreated', data: {} }, { aggregateType: 'order', aggregateId: 'o1', version: 1 });
    whenApplied(latestOrders, foreign).thenThrows('not an order event: ProductCreated');
  });
});
