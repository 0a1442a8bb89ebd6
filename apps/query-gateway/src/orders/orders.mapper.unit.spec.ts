import { customerOrdersPageWire, dashboardWire, historyWire, orderDetailsWire } from '../openapi/wire-schemas';
import { toDashboard, toLatestOrder, toTopProducts } from '../dashboard/dashboard.mapper';
import { toHistoryEvent } from '../history/history.mapper';
import { toCustomerOrderItem, toOrderDetails } from './orders.mapper';

const placedAt = '2024-03-01T12:00:00.000Z';

describe('order mappers', () => {
  it('shows OrderDetails with wire money on every line, the payment and the version', () => {
    const details = toOrderDetails({
      _id: 't|o1', tenant: 't', version: 3, id: 'o1', customerId: 'c1', status: 'paid',
      lines: [{ productId: 'p1', quantity: 2, unitPrice: 1250, lineTotal: 2500 }],
      total: 2500, placedAt, updatedAt: placedAt, payment: { paymentId: 'pay1', amount: 2500, capturedAt: placedAt },
    } as Parameters<typeof toOrderDetails>[0]);
    expect(details).toEqual({
      id: 'o1', customerId: 'c1', status: 'paid', lines: [{ productId: 'p1', quantity: 2, unitPrice: 12.5, lineTotal: 25 }],
      total: 25, placedAt, updatedAt: placedAt, payment: { paymentId: 'pay1', amount: 25, capturedAt: placedAt }, version: 3,
    });
    expect(orderDetailsWire.safeParse(details).success).toBe(true);
  });

  it('shows a customer order row with wire money', () => {
    const item = toCustomerOrderItem({ orderId: 'o1', customerId: 'c1', status: 'pending', total: 1999, lineCount: 2, placedAt, updatedAt: placedAt });
    expect(item).toEqual({ orderId: 'o1', status: 'pending', total: 19.99, lineCount: 2, placedAt, updatedAt: placedAt });
    expect(customerOrdersPageWire.safeParse({ items: [item], nextCursor: 'abc' }).success).toBe(true);
  });
});

describe('dashboard mapper', () => {
  it('answers zeros and empty lists for a tenant without orders', () => {
    const empty = toDashboard({}, [], []);
    expect(empty).toEqual({ ordersPlaced: 0, ordersConfirmed: 0, revenue: 0, topProducts: [], latestOrders: [] });
    expect(dashboardWire.safeParse(empty).success).toBe(true);
  });

  it('reads counters, revenue as wire money, ranked products and the latest orders', () => {
    const dashboard = toDashboard({ ordersPlaced: '3', ordersConfirmed: '2', revenue: '12550' }, ['p2', '5', 'p1', '2'], [{ id: 'o1', customerId: 'c1', total: '2500', status: 'paid', placedAt }, {}]);
    expect(dashboard).toEqual({
      ordersPlaced: 3, ordersConfirmed: 2, revenue: 125.5,
      topProducts: [{ productId: 'p2', unitsSold: 5 }, { productId: 'p1', unitsSold: 2 }],
      latestOrders: [{ id: 'o1', customerId: 'c1', total: 25, status: 'paid', placedAt }],
    });
    expect(dashboardWire.safeParse(dashboard).success).toBe(true);
  });

  it('skips products with nothing sold and orders already trimmed away', () => {
    expect(toTopProducts(['p1', '1', 'p2', '0', 'p3', '-2'])).toEqual([{ productId: 'p1', unitsSold: 1 }]);
    expect(toLatestOrder({ status: 'paid' })).toBeUndefined();
  });
});

describe('history mapper', () => {
  it('keeps events as stored, money in minor units', () => {
    const metadata = { eventId: 'e1', type: 'PaymentCaptured', schemaVersion: 1, aggregateType: 'order', aggregateId: 'o1', version: 4, tenant: 't', timestamp: placedAt, correlationId: 'c', causationId: 'c' };
    const event = toHistoryEvent({ eventId: 'e1', type: 'PaymentCaptured', schemaVersion: 1, version: 4, data: { paymentId: 'p', amount: 2500 }, metadata });
    expect(event).toEqual({ type: 'PaymentCaptured', version: 4, data: { paymentId: 'p', amount: 2500 }, metadata });
    expect(historyWire.safeParse({ events: [event] }).success).toBe(true);
  });
});
