/**
 * Money is an integer number of minor units (cents) inside the domain, so sums are exact.
 * On the wire it is a JSON number with at most two decimals.
 */
export type Money = number & { readonly __brand: 'Money' };

export type MoneyParseError = 'not-a-number' | 'too-many-decimals' | 'out-of-range';

/** Largest amount we accept, well inside the exact integer range of a double. */
export const MAX_MINOR_UNITS = 1e13;

export function moneyFromMinorUnits(minor: number): Money {
  if (!Number.isSafeInteger(minor) || Math.abs(minor) > MAX_MINOR_UNITS) throw new RangeError(`not a money amount in minor units: ${minor}`);
  return minor as Money;
}

/** Parses a wire amount such as 12.5 or 19.99; rejects 0.001, NaN, Infinity and huge values. */
export function parseMoney(value: unknown): Money | MoneyParseError {
  if (typeof value !== 'number' || !Number.isFinite(value)) return 'not-a-number';
  const minor = Math.round(value * 100);
  if (Math.abs(minor) > MAX_MINOR_UNITS) return 'out-of-range';
  // Reject amounts whose decimal representation needs more than two places (0.001, 1.005).
  if (Math.abs(minor / 100 - value) > Number.EPSILON * Math.max(1, Math.abs(value))) return 'too-many-decimals';
  return minor as Money;
}

/** The wire form: 1999 minor units -> 19.99. */
export function moneyToWire(money: Money): number {
  return money / 100;
}

export function addMoney(a: Money, b: Money): Money {
  return moneyFromMinorUnits(a + b);
}

export function multiplyMoney(a: Money, factor: number): Money {
  if (!Number.isSafeInteger(factor)) throw new RangeError(`factor must be an integer: ${factor}`);
  return moneyFromMinorUnits(a * factor);
}
