import { orderCancelled, orderConfirmed, orderPlaced, orderRejected, paymentCaptured } from '../testing/domain-events.fixtures';
import { whenApplied } from '../testing/projection-spec';
import { orderStream, projectedEvent } from '../testing/projected-events';
import { dashboard } from './dashboard.projection';

const order = orderStream('o1');

describe('dashboard projection', () => {
  it('counts placed orders', () => {
    whenApplied(dashboard, order(orderPlaced(), 1)).thenWrites([{ op: 'hincrby', key: 'dashboard', field: 'ordersPlaced', by: 1 }]);
  });

  it('counts confirmed orders', () => {
    whenApplied(dashboard, order(orderConfirmed, 2)).thenWrites([{ op: 'hincrby', key: 'dashboard', field: 'ordersConfirmed', by: 1 }]);
  });

  it('adds captured payments to revenue, in minor units', () => {
    whenApplied(dashboard, order(paymentCaptured(4498), 3)).thenWrites([{ op: 'hincrby', key: 'dashboard', field: 'revenue', by: 4498 }]);
  });

  it.each([
    ['OrderRejected', orderRejected()],
    ['OrderCancelled', orderCancelled()],
  ])('writes nothing on %s', (_, event) => {
    whenApplied(dashboard, order(event, 2)).thenWrites([]);
  });

  it('cannot apply an event that is not an order event', () => {
    const foreign = projectedEvent({ type: 'ProductCreated', data: {} }, { aggregateType: 'order', aggregateId: 'o1', version: 1 });
    whenApplied(dashboard, foreign).thenThrows('not an order event: ProductCreated');
  });
});
