-- KEYS[1] llm:done:{streamId}   KEYS[2] llm:attempt:{streamId}   KEYS[3] stream:{streamId} (the responder's)
-- KEYS[4] llm:conversation:{conversationKey}, only when the reply continues a conversation
-- ARGV[1] ledger ttl, ms        ARGV[2] conversation ttl, ms (with KEYS[4])
-- ARGV[3] the stream hash's finish field
if redis.call('EXISTS', KEYS[1]) == 1 or redis.call('HGET', KEYS[3], ARGV[3]) == '1' then
  return '0'
end
local attempt = redis.call('INCR', KEYS[2])
redis.call('PEXPIRE', KEYS[2], ARGV[1])
if #KEYS > 3 then
  local conversation = redis.call('GET', KEYS[4])
  if conversation then
    redis.call('PEXPIRE', KEYS[4], ARGV[2])
    return tostring(attempt) .. '\n' .. conversation
  end
end
return tostring(attempt)
