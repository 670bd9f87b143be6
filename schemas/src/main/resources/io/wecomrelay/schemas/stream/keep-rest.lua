-- Keeps the rest of a long answer for the user to ask for (layout: io.wecomrelay.schemas.stream.AnswerRestKeys).
-- The responder runs it (KeptRests); take-rest.lua, run by the llm-worker, takes the parts.
-- KEYS[1]  answer-rest:{len(botId)}:{botId}:{conversationKey}
-- ARGV[1]  the asker's user id   ARGV[2] the answer's stream id   ARGV[3] its message's receive time, epoch ms
-- ARGV[4]  the continue-word note ARGV[5] ttl, ms
-- ARGV[6]  'keep': a first keep, the parts after the one the response_url message shows.
--          'lost': that message failed for good; the parts are all of the answer's, the lost one first.
-- ARGV[7..] the parts, the one shown next first
-- Returns how many parts it kept ('lost' over this answer's rest: its part and the untaken ones), 0 when skipped.
--
-- A newer answer's rest is never replaced (0). This answer's own rest ('source' equal) is there while the user takes
-- parts and, exhausted ('next' past 'parts', no part fields), for the TTL after the last take, so a redo of the job
-- can tell "kept before" from "never kept":
--   'keep' over it: a redo of the job; the user may have taken parts since, so nothing is kept again (0).
--   'lost' over it: the lost part goes in front of what is still untaken (p{next}..p{parts}); the caller's other
--     parts are stale, the user may have taken some. 'lost' marks the hash: a second 'lost' (a redo of the job whose
--     message failed again) finds its part in front already or taken by the user, and keeps nothing (0).
-- No rest of this answer (none kept, an older answer's, or this one's expired unasked: the user never saw the note
-- of a message that failed) and every part the caller passes is kept: nothing of this answer was taken.
local current = redis.call('HMGET', KEYS[1], 'source', 'at', 'next', 'parts', 'lost')
local parts = {}
if current[1] then
  if tonumber(current[2]) > tonumber(ARGV[3]) then return 0 end
  if current[1] == ARGV[2] then
    if ARGV[6] == 'keep' or current[5] then return 0 end
    parts[1] = ARGV[7]
    for i = tonumber(current[3]), tonumber(current[4]) do
      local part = redis.call('HGET', KEYS[1], 'p' .. i)
      if part then parts[#parts + 1] = part end
    end
  end
end
if #parts == 0 then
  for i = 7, #ARGV do parts[#parts + 1] = ARGV[i] end
end
redis.call('DEL', KEYS[1])
local fields = {'user', ARGV[1], 'source', ARGV[2], 'at', ARGV[3], 'note', ARGV[4], 'ttl', ARGV[5], 'next', '1',
  'parts', tostring(#parts)}
if ARGV[6] == 'lost' then
  fields[#fields + 1] = 'lost'
  fields[#fields + 1] = '1'
end
for i = 1, #parts do
  fields[#fields + 1] = 'p' .. i
  fields[#fields + 1] = parts[i]
end
redis.call('HSET', KEYS[1], unpack(fields))
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return #parts
