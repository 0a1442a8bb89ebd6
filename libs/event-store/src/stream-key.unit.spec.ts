import { assertStreamRef, assertVersion, commitId, snapshotId, streamKey } from './stream-key';

describe('stream keys', () => {
  it('formats a commit id as tenant|aggregateType|aggregateId|fromVersion', () => {
    expect(commitId({ tenant: 't1', aggregateType: 'Product', aggregateId: 'p-1' }, 6)).toBe('t1|Product|p-1|6');
    expect(snapshotId({ tenant: 't1', aggregateType: 'Product', aggregateId: 'p-1' })).toBe('t1|Product|p-1');
  });

  it('never gives two distinct streams the same key, even when parts contain the separator', () => {
    const keys = [
      { tenant: 'a|b', aggregateType: 'c', aggregateId: 'd' },
      { tenant: 'a', aggregateType: 'b|c', aggregateId: 'd' },
      { tenant: 'a', aggregateType: 'b', aggregateId: 'c|d' },
      { tenant: 'a%7Cb', aggregateType: 'c', aggregateId: 'd' },
      { tenant: 'a%b', aggregateType: 'c', aggregateId: 'd' },
    ].map(streamKey);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys[0]).toBe('a%7Cb|c|d');
    expect(keys[3]).toBe('a%257Cb|c|d');
  });

  it('rejects empty or missing stream parts and negative or fractional versions', () => {
    expect(() => assertStreamRef({ tenant: '', aggregateType: 'P', aggregateId: '1' })).toThrow(TypeError);
    expect(() => assertStreamRef({ tenant: 't', aggregateType: 'P' } as never)).toThrow('stream.aggregateId');
    expect(() => assertVersion(-1, 'expectedVersion')).toThrow(TypeError);
    expect(() => assertVersion(1.5, 'expectedVersion')).toThrow(TypeError);
    expect(() => assertVersion(0, 'expectedVersion')).not.toThrow();
  });
});
