import { projectorSettingsFromEnv } from './projector-settings';

describe('projector settings', () => {
  it('given no variables, then the defaults: 4 partitions at once, chunks of 500, 3 attempts', () => {
    expect(projectorSettingsFromEnv({})).toEqual({ concurrency: 4, chunkSize: 500, attempts: 3 });
  });

  it('given values, then they are used; given nonsense, then start-up stops naming the variable', () => {
    expect(projectorSettingsFromEnv({ PROJECTOR_CONCURRENCY: '12', PROJECTOR_CHUNK_SIZE: '100', PROJECTOR_ATTEMPTS: '5' })).toEqual({ concurrency: 12, chunkSize: 100, attempts: 5 });
    expect(() => projectorSettingsFromEnv({ PROJECTOR_CHUNK_SIZE: '0' })).toThrow(/PROJECTOR_CHUNK_SIZE/);
    expect(() => projectorSettingsFromEnv({ PROJECTOR_ATTEMPTS: 'many' })).toThrow(/PROJECTOR_ATTEMPTS/);
  });
});
