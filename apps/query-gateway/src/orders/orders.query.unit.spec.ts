import { ProblemError } from '@eventide/service-kit';
import { historyQuery, historyRange } from '../history/history.query';
import { noQuery, parseQuery, pathId } from '../http/query';
import { encodeCursor } from '../pagination/cursor';
import { customerOrdersAfter, customerOrdersFilter, customerOrdersQuery } from './orders.query';

function status(run: () => unknown): number {
  try {
    run();
    return 200;
  } catch (error) {
    if (error instanceof ProblemError) return error.problem.status;
    throw error;
  }
}

describe('customer orders query', () => {
  const parse = (query: unknown) => parseQuery(customerOrdersQuery, query);

  it('defaults to 20 per page and reads a cursor of placedAt and order id', () => {
    expect(parse({})).toEqual({ limit: 20 });
    const cursor = encodeCursor(['2024-03-01T12:00:00.000Z', 'o1']);
    expect(customerOrdersAfter(parse({ cursor, limit: '5' }))).toEqual({ placedAt: '2024-03-01T12:00:00.000Z', orderId: 'o1' });
  });

  it.each([{ foo: '1' }, { limit: '101' }, { limit: ['1', '2'] }, { cursor: { $gt: '' } }])('refuses %p with 400', (query) => {
    expect(status(() => parse(query))).toBe(400);
  });

  it('refuses a hostile cursor with 400', () => {
    expect(status(() => customerOrdersAfter(parse({ cursor: encodeCursor([{ $gt: '' } as never, 'o1']) })))).toBe(400);
  });

  it('pages newest first after the cursor, within the tenant and customer', () => {
    expect(customerOrdersFilter('t1', 'c1', undefined)).toEqual({ tenant: 't1', customerId: 'c1', _deleted: { $exists: false } });
    expect(customerOrdersFilter('t1', 'c1', { placedAt: '2024-03-01T12:00:00.000Z', afterId: 't1|o1' })).toEqual({
      tenant: 't1',
      customerId: 'c1',
      _deleted: { $exists: false },
      $or: [{ placedAt: { $lt: '2024-03-01T12:00:00.000Z' } }, { placedAt: '2024-03-01T12:00:00.000Z', _id: { $lt: 't1|o1' } }],
    });
  });
});

describe('history query', () => {
  const parse = (query: unknown) => parseQuery(historyQuery, query);

  it('defaults to the whole stream, at most 1000 events', () => {
    expect(historyRange(parse({}))).toEqual({ fromVersion: 1, toVersion: 1000 });
    expect(historyRange(parse({ fromVersion: '3', limit: '2' }))).toEqual({ fromVersion: 3, toVersion: 4 });
  });

  it.each([{ limit: '1001' }, { limit: '0' }, { fromVersion: '0' }, { fromVersion: 'x' }, { from: '1' }, { fromVersion: ['1', '2'] }])('refuses %p with 400', (query) => {
    expect(status(() => parse(query))).toBe(400);
  });
});

describe('ids and parameterless routes', () => {
  it.each(['../../etc', '$where', 'a'.repeat(65), '', 'a b', 'a.b'])('refuses the id %p', (id) => {
    expect(status(() => pathId(id))).toBe(400);
  });

  it('accepts plain ids and refuses any query parameter where none is taken', () => {
    expect(pathId('order_1-A')).toBe('order_1-A');
    expect(parseQuery(noQuery, {})).toEqual({});
    expect(status(() => parseQuery(noQuery, { x: '1' }))).toBe(400);
  });
});
