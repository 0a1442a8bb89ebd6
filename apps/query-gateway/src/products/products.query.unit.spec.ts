import { ProblemError } from '@eventide/service-kit';
import { escapeRegex, parseQuery } from '../http/query';
import { encodeCursor } from '../pagination/cursor';
import { productAfter, productListFilter, productListQuery, productReadQuery, temporalPointOf } from './products.query';

function status(run: () => unknown): number {
  try {
    run();
    return 200;
  } catch (error) {
    if (error instanceof ProblemError) return error.problem.status;
    throw error;
  }
}

const list = (query: unknown) => parseQuery(productListQuery, query);

describe('product list query', () => {
  it('defaults to 20 per page and converts wire prices to minor units exactly', () => {
    expect(list({})).toEqual({ limit: 20 });
    expect(list({ limit: '100', minPrice: '0.1', maxPrice: '19.99', q: 'Lamp' })).toEqual({ limit: 100, minPrice: 10, maxPrice: 1999, q: 'Lamp' });
    expect(list({ minPrice: '1.15' }).minPrice).toBe(115);
    expect(list({ maxPrice: '12' }).maxPrice).toBe(1200);
  });

  it.each([
    ['an unknown parameter', { foo: '1' }],
    ['a repeated parameter (array)', { limit: ['1', '2'] }],
    ['an object', { q: { $ne: 'x' } }],
    ['an operator', { minPrice: { $gt: '' } }],
    ['an operator-named parameter', { $where: '1' }],
    ['a bracketed key (simple parser)', { 'q[$ne]': 'x' }],
    ['a limit too large', { limit: '1000' }],
    ['a zero limit', { limit: '0' }],
    ['a negative limit', { limit: '-1' }],
    ['a limit that is not a number', { limit: 'abc' }],
    ['a fractional limit', { limit: '1.5' }],
    ['three decimals', { minPrice: '1.001' }],
    ['a negative price', { minPrice: '-1' }],
    ['a price in exponent form', { maxPrice: '1e3' }],
    ['an empty price', { maxPrice: '' }],
    ['an empty search', { q: '' }],
    ['a search over 100 characters', { q: 'x'.repeat(101) }],
    ['a search with a NUL byte (MongoDB refuses it in a regex)', { q: 'a\u0000b' }],
    ['minPrice above maxPrice', { minPrice: '5', maxPrice: '4' }],
  ])('refuses %s with 400', (_, query) => {
    expect(status(() => list(query))).toBe(400);
  });

  it('refuses a malformed cursor with 400 and reads a good one', () => {
    expect(status(() => productAfter(list({ cursor: '!!!' })))).toBe(400);
    expect(productAfter(list({ cursor: encodeCursor(['p-7']) }))).toBe('p-7');
  });

  it('builds a tenant-scoped filter with an escaped, anchored, lower-case prefix', () => {
    const filter = productListFilter('t1', list({ q: 'A.b*(c', minPrice: '1', maxPrice: '2.5' }), 't1|p-7');
    expect(filter).toEqual({ tenant: 't1', _deleted: { $exists: false }, _id: { $gt: 't1|p-7' }, price: { $gte: 100, $lte: 250 }, nameLower: { $regex: '^a\\.b\\*\\(c' } });
    expect(productListFilter('t1', list({}), undefined)).toEqual({ tenant: 't1', _deleted: { $exists: false } });
  });

  it('escapes every regular-expression metacharacter', () => {
    const hostile = '.*+?^${}()|[]\\';
    expect(new RegExp(`^${escapeRegex(hostile)}$`).test(hostile)).toBe(true);
  });
});

describe('product read query', () => {
  const read = (query: unknown) => temporalPointOf(parseQuery(productReadQuery, query));

  it('is live without parameters, temporal with asOf or atVersion', () => {
    expect(read({})).toBeUndefined();
    expect(read({ atVersion: '3' })).toEqual({ atVersion: 3 });
    expect(read({ asOf: '2024-03-01T12:00:00Z' })).toEqual({ asOf: new Date('2024-03-01T12:00:00Z') });
    expect(read({ asOf: '2024-03-01T12:00:00.123+02:00' })).toEqual({ asOf: new Date('2024-03-01T10:00:00.123Z') });
  });

  it.each([
    ['both asOf and atVersion', { asOf: '2024-03-01T12:00:00Z', atVersion: '1' }],
    ['version 0', { atVersion: '0' }],
    ['a non-integer version', { atVersion: '1.5' }],
    ['a version as an array', { atVersion: ['1', '2'] }],
    ['a date without a time', { asOf: '2024-03-01' }],
    ['a date without a zone', { asOf: '2024-03-01T12:00:00' }],
    ['not a date', { asOf: 'yesterday' }],
    ['an operator', { asOf: { $gt: '' } }],
    ['an unknown parameter', { limit: '1' }],
  ])('refuses %s with 400', (_, query) => {
    expect(status(() => read(query))).toBe(400);
  });
});
