-- Takes the next part of a kept rest for a continue word (layout: io.wecomrelay.schemas.stream.AnswerRestKeys).
-- The llm-worker runs it (AnswerRests); keep-rest.lua, run by the responder, keeps the parts.
-- KEYS[1] answer-rest:{len(botId)}:{botId}:{conversationKey}   KEYS[2] answer-taken:{streamId}
-- ARGV[1] the user asking   ARGV[2] how long the taken part is kept, ms
-- Returns {outcome, part}: 'redo' (the part this message took before), 'none', 'other_user', 'taken' (with the
-- note: more is left) or 'last'.
-- The last take leaves the hash exhausted ('next' past 'parts') for its TTL instead of deleting it: a redo of the
-- responder's job then finds this answer's rest and keeps none of the taken parts again (keep-rest.lua).
local taken = redis.call('GET', KEYS[2])
if taken then return {'redo', taken} end
local rest = redis.call('HMGET', KEYS[1], 'user', 'next', 'parts', 'note', 'ttl')
if not rest[1] then return {'none', ''} end
local next = tonumber(rest[2])
if next > tonumber(rest[3]) then return {'none', ''} end
if rest[1] ~= ARGV[1] then return {'other_user', ''} end
local part = redis.call('HGET', KEYS[1], 'p' .. next) or ''
local outcome = 'last'
if next < tonumber(rest[3]) then
  part = part .. rest[4]
  outcome = 'taken'
end
redis.call('HDEL', KEYS[1], 'p' .. next)
redis.call('HSET', KEYS[1], 'next', tostring(next + 1))
redis.call('PEXPIRE', KEYS[1], rest[5])
redis.call('SET', KEYS[2], part, 'PX', ARGV[2])
return {outcome, part}
