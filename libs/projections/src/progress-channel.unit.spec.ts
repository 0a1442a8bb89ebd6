import { decodeProgress, encodeProgress, progressChannel } from './progress-channel';

describe('progress announcements', () => {
  it('round-trip what a chunk applied', () => {
    const progress = { family: 'projector-mongo', generations: [1, 2], streams: [{ tenant: 'acme', aggregateType: 'order', aggregateId: 'o-1', version: 3 }] };
    expect(decodeProgress(encodeProgress(progress))).toEqual(progress);
    expect(progressChannel('projector-mongo')).toBe('eventide:progress:projector-mongo');
  });

  it('ignore anything that is not an announcement', () => {
    expect(decodeProgress('not json')).toBeUndefined();
    expect(decodeProgress('{"f":1}')).toBeUndefined();
    expect(decodeProgress('{"f":"x","g":[1],"s":[["a","b","c","4"],["a","b","c",4]]}')?.streams).toEqual([{ tenant: 'a', aggregateType: 'b', aggregateId: 'c', version: 4 }]);
  });
});
