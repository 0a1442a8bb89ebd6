import { BoundedLru } from './bounded-lru';

describe('BoundedLru', () => {
  it('given a full map, when an entry is added, then the least recently used one is forgotten', () => {
    const lru = new BoundedLru<string, number>(2);
    lru.set('a', 1);
    lru.set('b', 2);
    expect(lru.get('a')).toBe(1); // a is now the most recently used
    lru.set('c', 3);
    expect([lru.get('a'), lru.get('b'), lru.get('c'), lru.size]).toEqual([1, undefined, 3, 2]);
  });

  it('given an entry set again, then it holds the new value without growing', () => {
    const lru = new BoundedLru<string, number>(2);
    lru.set('a', 1);
    lru.set('a', 2);
    expect([lru.get('a'), lru.size]).toEqual([2, 1]);
  });

  it('given capacity 0, then it keeps nothing', () => {
    const lru = new BoundedLru<string, number>(0);
    lru.set('a', 1);
    expect([lru.get('a'), lru.size]).toEqual([undefined, 0]);
  });
});
