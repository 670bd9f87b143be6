-- Turns a rejection into a finished stream, unless the stream already has chunks or is finished.
-- KEYS[1] stream:{streamId}
-- ARGV[1] text (already capped)   ARGV[2] reason   ARGV[3] now, epoch ms   ARGV[4] ttl, ms
-- For a bot that delivers actively (response_url, webhook) also:
-- KEYS[2] the bot's outbox stream   KEYS[3] the stream's delivery state hash
-- ARGV[5] the message's arrival, epoch ms (used when ingress left no 'created')
-- ARGV[6] stream id   ARGV[7] source topic   ARGV[8] source event JSON   ARGV[9] delivery state ttl, ms
-- ARGV[#ARGV] (always the last argument) the bot id that owns the stream, set once (HSETNX)
-- Returns {status, created, queued}; status FINISHED (written now) or FINAL (left unchanged); queued is
-- '1' when FINISHED also appended the delivery job to KEYS[2].
local key = KEYS[1]

-- Same steps as in fold-chunk.lua: the job is queued atomically with the finish, once per stream.
local function enqueue(content, created)
  if #KEYS < 3 then return '0' end
  if redis.call('HSETNX', KEYS[3], 'queued', '-') == 0 then return '0' end
  local id = redis.call('XADD', KEYS[2], '*', 'streamId', ARGV[6], 'content', content, 'created', created,
    'sourceTopic', ARGV[7], 'source', ARGV[8])
  redis.call('HSET', KEYS[3], 'queued', id)
  redis.call('PEXPIRE', KEYS[3], ARGV[9])
  return '1'
end

local state = redis.call('HMGET', key, 'finish', 'attempt', 'created')
local created = state[3] or ''
if state[1] == '1' or state[2] then return {'FINAL', created, '0'} end
redis.call('HSET', key, 'content', ARGV[1], 'finish', '1', 'rejected', ARGV[2], 'updatedAt', ARGV[3])
redis.call('HSETNX', key, 'bot', ARGV[#ARGV])
redis.call('PEXPIRE', key, ARGV[4])
return {'FINISHED', created, enqueue(ARGV[1], created ~= '' and created or ARGV[5])}
