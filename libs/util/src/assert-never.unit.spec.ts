import { assertNever } from './assert-never';

type Shape = { kind: 'circle'; r: number } | { kind: 'square'; side: number };

const area = (shape: Shape): number => {
  switch (shape.kind) {
    case 'circle':
      return Math.PI * shape.r ** 2;
    case 'square':
      return shape.side ** 2;
    default:
      return assertNever(shape, 'shape');
  }
};

describe('assertNever', () => {
  it('is unreachable for a handled union', () => {
    expect(area({ kind: 'square', side: 3 })).toBe(9);
  });

  it('throws, naming the value, when a case slips through at run time', () => {
    const rogue = { kind: 'triangle' } as unknown as Shape;
    expect(() => area(rogue)).toThrow('unhandled shape: {"kind":"triangle"}');
  });
});
