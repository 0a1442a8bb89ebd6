import { formatPairs, formatTable, truncate } from './table';

describe('formatTable', () => {
  it('aligns columns under an upper-case header, numbers to the right', () => {
    const text = formatTable(['name', 'count'], [['a', 1], ['longer', 1234]]);
    expect(text).toBe(['NAME    COUNT', 'a           1', 'longer   1234', ''].join('\n'));
  });

  it('prints empty cells as "-" and keeps a column of only empties left-aligned', () => {
    const text = formatTable(['topic', 'owner'], [['t', undefined], ['u', null]]);
    expect(text.split('\n')).toEqual(['TOPIC  OWNER', 't      -', 'u      -', '']);
  });

  it('left-aligns a column mixing text and numbers, and prints only the header without rows', () => {
    expect(formatTable(['v'], [[1], ['x']]).split('\n')).toEqual(['V', '1', 'x', '']);
    expect(formatTable(['a', 'b'], [])).toBe('A  B\n');
  });
});

describe('formatPairs and truncate', () => {
  it('aligns labels', () => {
    expect(formatPairs([['a', 1], ['long label', 'x']])).toBe('  a           1\n  long label  x\n');
  });

  it('truncates with an ellipsis and flattens whitespace', () => {
    expect(truncate('short', 10)).toBe('short');
    expect(truncate('a\nmuch  longer reason', 10)).toBe('a much lo…');
    expect(truncate('abcdefghijk', 10)).toHaveLength(10);
  });
});
