import { invalidWrite } from './redis.sink';

describe('Redis read-model writes are checked before any of them runs', () => {
  it('accepts well-formed writes', () => {
    expect(invalidWrite({ op: 'hset', key: 'k', values: { a: 1, b: 'x' } })).toBeUndefined();
    expect(invalidWrite({ op: 'hincrby', key: 'k', field: 'f', by: -3 })).toBeUndefined();
    expect(invalidWrite({ op: 'zincrby', key: 'k', member: 'm', by: 1.5 })).toBeUndefined();
    expect(invalidWrite({ op: 'ztrim', key: 'k', keep: 0 })).toBeUndefined();
  });

  it('refuses writes that would make the script fail half way (and so repeat its earlier writes on retry)', () => {
    expect(invalidWrite({ op: 'hset', key: 'k', values: {} })).toMatch(/without fields/);
    expect(invalidWrite({ op: 'hset', key: 'k', values: { a: Number.NaN } })).toMatch(/non-finite/);
    expect(invalidWrite({ op: 'hincrby', key: 'k', field: 'f', by: 1.5 })).toMatch(/not an integer/);
    expect(invalidWrite({ op: 'hincrby', key: 'k', field: 'f', by: Number.NaN })).toMatch(/not an integer/);
    expect(invalidWrite({ op: 'zadd', key: 'k', member: 'm', score: Number.POSITIVE_INFINITY })).toMatch(/score/);
    expect(invalidWrite({ op: 'ztrim', key: 'k', keep: -1 })).toMatch(/keeping/);
  });
});
