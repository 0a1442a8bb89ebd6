import { partitionForKey } from './partitioner';

// Expected values computed with Kafka's Java client: Utils.toPositive(Utils.murmur2(key.getBytes(UTF_8))) % n,
// from the murmur2 vectors in Kafka's own UtilsTest.
const javaMurmur2: [string, number][] = [
  ['21', -973932308],
  ['foobar', -790332482],
  ['a-little-bit-long-string', -985981536],
  ['a-little-bit-longer-string', -1486304829],
  ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
  ['abc', 479470107],
];

describe('partitionForKey', () => {
  it.each(javaMurmur2)('puts %p where the Java client would (murmur2 %p)', (key, murmur) => {
    for (const partitions of [1, 3, 12, 64]) {
      expect(partitionForKey(key, partitions)).toBe((murmur & 0x7fffffff) % partitions);
    }
  });

  it('is stable and stays in range', () => {
    for (let i = 0; i < 1000; i++) {
      const key = `order-${i}`;
      const p = partitionForKey(key, 12);
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThan(12);
      expect(partitionForKey(key, 12)).toBe(p);
    }
  });

  it('refuses a partition count that is not a positive integer', () => {
    expect(() => partitionForKey('k', 0)).toThrow(RangeError);
  });
});
