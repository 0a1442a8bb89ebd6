import Redis from 'ioredis';
import { requireEnv, uniqueName } from './require-env';

// Sets a value only when the version is newer than the stored one: the shape of an idempotent projection.
const SET_IF_NEWER = `
local current = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
local incoming = tonumber(ARGV[1])
if incoming <= current then return 0 end
redis.call('HSET', KEYS[1], 'version', incoming, 'value', ARGV[2])
return 1`;

describe('Redis smoke test (real server)', () => {
  const redis = new Redis(requireEnv('REDIS_URL'));
  const key = `{${uniqueName('tenant')}}:stock:product-1`;

  afterAll(async () => {
    await redis.del(key);
    redis.disconnect();
  });

  it('runs a Lua script atomically, by source and by SHA', async () => {
    expect(await redis.eval(SET_IF_NEWER, 1, key, 1, 'ten')).toBe(1);
    expect(await redis.eval(SET_IF_NEWER, 1, key, 1, 'duplicate')).toBe(0);

    const sha = (await redis.script('LOAD', SET_IF_NEWER)) as string;
    expect(await redis.evalsha(sha, 1, key, 2, 'nine')).toBe(1);
    expect(await redis.hgetall(key)).toEqual({ version: '2', value: 'nine' });
  });
});
