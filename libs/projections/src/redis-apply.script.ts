/**
 * Applies a stream's events to a Redis read model, each if, and only if, it is the stream's next:
 * the stream's applied version lives in a hash beside the model, and checking it, writing, and
 * recording each new version happen in one script, so Redis runs them atomically.
 *
 * KEYS[1] the applied-versions hash; KEYS[2..] the keys the writes touch.
 * ARGV[1] stream field, ARGV[2] applied version expected before the first event,
 * ARGV[3] the events in version order as JSON: [[version, [op, keyIndex, ...args], ...], ...],
 * versions and args as strings, key indexes as numbers.
 * Events at or below the applied version are skipped (already applied); the first one above it must
 * follow its predecessor in the list (ARGV[2] for the first), else nothing runs. Each event's writes
 * run under pcall and are followed by HSET of its version; Redis keeps what a failing script wrote,
 * so a failure stops there, with the events before it applied and recorded.
 * Returns 1 all applied, 0 applied but some were already, -1 the stream is elsewhere (re-plan),
 * {version, message} the writes of event `version` failed (partly run, not recorded).
 */
export const REDIS_APPLY_SCRIPT = `
local current = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
local previous = tonumber(ARGV[2])
local skipped = false
local function apply(event)
  for i = 2, #event do
    local w = event[i]
    local op, key = w[1], KEYS[w[2]]
    if op == 'hset' then redis.call('HSET', key, unpack(w, 3))
    elseif op == 'hincrby' then redis.call('HINCRBY', key, w[3], w[4])
    elseif op == 'zincrby' then redis.call('ZINCRBY', key, w[4], w[3])
    elseif op == 'zadd' then redis.call('ZADD', key, w[4], w[3])
    elseif op == 'ztrim' then redis.call('ZREMRANGEBYRANK', key, 0, -(tonumber(w[3]) + 1))
    elseif op == 'del' then redis.call('DEL', key)
    else error('unknown read-model write ' .. tostring(op)) end
  end
  redis.call('HSET', KEYS[1], ARGV[1], event[1])
end
for _, event in ipairs(cjson.decode(ARGV[3])) do
  local version = tonumber(event[1])
  if version <= current then skipped = true
  else
    if current ~= previous then return -1 end
    local ok, err = pcall(apply, event)
    if not ok then return {event[1], type(err) == 'table' and tostring(err.err) or tostring(err)} end
    current = version
  end
  previous = version
end
if skipped then return 0 end
return 1
`;
