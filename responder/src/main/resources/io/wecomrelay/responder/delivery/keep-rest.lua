-- Keeps the rest of a long answer for the user to ask for (layout: io.wecomrelay.schemas.stream.AnswerRestKeys).
-- KEYS[1]  answer-rest:{len(botId)}:{botId}:{conversationKey}
-- ARGV[1]  the asker's user id   ARGV[2] the answer's stream id   ARGV[3] its message's receive time, epoch ms
-- ARGV[4]  the continue-word note ARGV[5] ttl, ms
-- ARGV[6]  'keep': a first keep, skipped when this answer's rest is already there (a redo of the job: the user may
--          have taken parts since); 'lost': the response_url message failed, its part is kept again in front
-- ARGV[7..] the parts, the one shown next first
-- Returns 1 when kept, 0 when skipped (a newer answer's rest is kept, or the redo case above).
local current = redis.call('HMGET', KEYS[1], 'source', 'at')
if current[1] then
  if tonumber(current[2]) > tonumber(ARGV[3]) then return 0 end
  if current[1] == ARGV[2] and ARGV[6] == 'keep' then return 0 end
end
redis.call('DEL', KEYS[1])
local fields = {'user', ARGV[1], 'source', ARGV[2], 'at', ARGV[3], 'note', ARGV[4], 'ttl', ARGV[5], 'next', '1',
  'parts', tostring(#ARGV - 6)}
for i = 7, #ARGV do
  fields[#fields + 1] = 'p' .. (i - 6)
  fields[#fields + 1] = ARGV[i]
end
redis.call('HSET', KEYS[1], unpack(fields))
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1
