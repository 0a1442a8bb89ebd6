import fc from 'fast-check';
import { addMoney, moneyFromMinorUnits, moneyToWire, multiplyMoney, parseMoney } from './money';

describe('Money', () => {
  describe('given a wire amount', () => {
    it.each([
      [19.99, 1999],
      [0.1, 10],
      [12.5, 1250],
      [1, 100],
      [0, 0],
    ])('when %p is parsed, then it is %p minor units', (wire, minor) => {
      expect(parseMoney(wire)).toBe(minor);
    });

    it.each([
      [0.001, 'too-many-decimals'],
      [1.005, 'too-many-decimals'],
      [Number.NaN, 'not-a-number'],
      [Number.POSITIVE_INFINITY, 'not-a-number'],
      ['19.99', 'not-a-number'],
      [{ $gt: 0 }, 'not-a-number'],
      [1e12, 'out-of-range'],
    ])('when %p is parsed, then it is refused as %p', (wire, error) => {
      expect(parseMoney(wire)).toBe(error);
    });
  });

  it('round-trips every amount with at most two decimals', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e11, max: 1e11 }), (minor) => {
        const money = moneyFromMinorUnits(minor);
        expect(parseMoney(moneyToWire(money))).toBe(minor);
      }),
    );
  });

  it('adds and multiplies exactly where floating point would drift', () => {
    const tenCents = moneyFromMinorUnits(10);
    const twentyCents = moneyFromMinorUnits(20);
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(moneyToWire(addMoney(tenCents, twentyCents))).toBe(0.3);
    expect(moneyToWire(multiplyMoney(moneyFromMinorUnits(1999), 3))).toBe(59.97);
  });

  it('refuses non-integer minor units', () => {
    expect(() => moneyFromMinorUnits(1.5)).toThrow(RangeError);
    expect(() => multiplyMoney(moneyFromMinorUnits(100), 1.5)).toThrow(RangeError);
  });
});
