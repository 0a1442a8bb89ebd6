import { ConcurrencyError } from '@eventide/event-store';
import { isDomainError } from '@eventide/util';
import { unknownWhenAbsent } from './command-executor';

describe('unknownWhenAbsent', () => {
  it('turns an If-Match on a stream that does not exist into not-found', () => {
    const mapped = unknownWhenAbsent(new ConcurrencyError(1, 0), 'product', { expectedVersion: 1 });
    expect(isDomainError(mapped) && [mapped.code, mapped.reason]).toEqual(['not-found', 'product-not-found']);
  });

  it('keeps a stale If-Match on a stream that exists, and a lost race without If-Match, as conflicts', () => {
    const stale = new ConcurrencyError(1, 2);
    expect(unknownWhenAbsent(stale, 'product', { expectedVersion: 1 })).toBe(stale);
    const race = new ConcurrencyError(0, 0);
    expect(unknownWhenAbsent(race, 'order', {})).toBe(race);
  });
});
