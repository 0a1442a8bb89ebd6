import { goalMet, median, percentiles, quantile, ratioOf, sideStats } from './stats';

describe('stats', () => {
  describe('given an odd number of values', () => {
    it('when taking the median, then it is the middle one whatever the order', () => {
      expect(median([5, 1, 3])).toBe(3);
    });
  });

  describe('given an even number of values', () => {
    it('when taking the median, then it is the mean of the two middle ones', () => {
      expect(median([4, 1, 3, 2])).toBe(2.5);
    });
  });

  describe('given no values', () => {
    it('when taking a quantile, then it is NaN', () => {
      expect(quantile([], 0.5)).toBeNaN();
    });
  });

  describe('given 1..100', () => {
    it('when taking p50 and p99, then they interpolate between order statistics', () => {
      const values = Array.from({ length: 100 }, (_, i) => i + 1);
      expect(percentiles(values)).toEqual({ p50: 50.5, p99: expect.closeTo(99.01, 5) });
    });
  });

  describe('given five repetitions with latencies', () => {
    const samples = [10, 12, 11, 30, 9].map((value) => ({ value, latency: { p50: value, p99: value * 2 } }));

    it('when summarised, then median, extremes, IQR and relative spread are reported', () => {
      const stats = sideStats(samples);
      expect(stats).toMatchObject({ median: 11, min: 9, max: 30, iqr: 2 });
      expect(stats.relativeSpread).toBeCloseTo(21 / 11);
    });

    it('when summarised, then the latency is the median of the repetitions\' percentiles', () => {
      expect(sideStats(samples).latency).toEqual({ p50: 11, p99: 22 });
    });
  });

  describe('given a rate pair and a latency pair', () => {
    it('when ours is twice the baseline\'s rate, then the ratio is 2', () => {
      expect(ratioOf({ higherIsBetter: true }, 200, 100)).toBe(2);
    });

    it('when ours takes twice the baseline\'s time, then the ratio is 0.5', () => {
      expect(ratioOf({ higherIsBetter: false }, 20, 10)).toBe(0.5);
    });
  });

  describe('given a goal', () => {
    it('when the ratio reaches it, then it is met; below, not; without a goal, undefined', () => {
      expect(goalMet(0.8, 0.8)).toBe(true);
      expect(goalMet(0.8, 0.79)).toBe(false);
      expect(goalMet(1, Number.NaN)).toBe(false);
      expect(goalMet(undefined, 3)).toBeUndefined();
    });
  });
});
