import fc from 'fast-check';
import { decodeConsistencyToken, encodeConsistencyToken } from './consistency-token';

describe('consistency token', () => {
  it('round-trips any point', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), fc.nat(), (tenant, aggregateType, aggregateId, version) => {
        const point = { tenant, aggregateType, aggregateId, version };
        const token = encodeConsistencyToken(point);
        expect(token).toMatch(/^[A-Za-z0-9_-]*$/);
        if (token.length <= 512) expect(decodeConsistencyToken(token)).toEqual(point);
      }),
    );
  });

  it.each(['', 'not a token!', 'e30', encodeURIComponent('{"$gt":""}'), 'W10', 'WzIsImEiLCJiIiwiYyIsMV0'])('refuses %p', (token) => {
    expect(decodeConsistencyToken(token)).toBeUndefined();
  });
});
