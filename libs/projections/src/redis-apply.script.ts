/**
 * Applies one event's writes to a Redis read model if, and only if, the event is the stream's next:
 * the stream's applied version lives in a hash beside the model, and checking it, writing, and
 * recording the new version happen in one script, so Redis runs them atomically.
 *
 * KEYS[1] the applied-versions hash; KEYS[2..] the keys the writes touch.
 * ARGV[1] stream field, ARGV[2] event version, ARGV[3] applied version expected before it,
 * ARGV[4] the writes as JSON: [[op, keyIndex, ...args as strings], ...].
 * Returns 1 applied, 0 already applied, -1 the stream is elsewhere (re-plan).
 */
export const REDIS_APPLY_SCRIPT = `
local current = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
local version = tonumber(ARGV[2])
if current >= version then return 0 end
if current ~= tonumber(ARGV[3]) then return -1 end
for _, w in ipairs(cjson.decode(ARGV[4])) do
  local op, key = w[1], KEYS[tonumber(w[2])]
  if op == 'hset' then
    local args = {}
    for i = 3, #w do args[#args + 1] = w[i] end
    redis.call('HSET', key, unpack(args))
  elseif op == 'hincrby' then redis.call('HINCRBY', key, w[3], w[4])
  elseif op == 'zincrby' then redis.call('ZINCRBY', key, w[4], w[3])
  elseif op == 'zadd' then redis.call('ZADD', key, w[4], w[3])
  elseif op == 'ztrim' then redis.call('ZREMRANGEBYRANK', key, 0, -(tonumber(w[3]) + 1))
  elseif op == 'del' then redis.call('DEL', key)
  else return redis.error_reply('unknown read-model write ' .. tostring(op)) end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
`;
