-- Turns a rejection into a finished stream, unless the stream already has chunks or is finished. Runs after
-- finish.lua (its functions and the keys).
-- KEYS[1] stream:{streamId}   KEYS[2] {prefix}reply:{streamId}   KEYS[3] the unrecorded replies' index
-- ARGV[1] text (already capped)   ARGV[2] reason   ARGV[3] now, epoch ms   ARGV[4] ttl, ms
-- ARGV[5] reply record ttl, ms    ARGV[6] reply record draft JSON       ARGV[7] text was cut: '1' | '0'
-- For a bot that delivers actively (response_url, webhook, app message) also:
-- KEYS[4] the bot's outbox stream   KEYS[5] the stream's delivery state hash
-- ARGV[8] the message's arrival, epoch ms (used when ingress left no 'created')
-- ARGV[9] stream id   ARGV[10] source topic   ARGV[11] source event JSON   ARGV[12] delivery state ttl, ms
-- ARGV[#ARGV] (always the last argument) the bot id that owns the stream, set once (HSETNX)
-- Returns {status, created, queued, replyDraft, replyContent, replyTruncated}; status FINISHED (written now) or
-- FINAL (left unchanged); queued is '1' when FINISHED also appended the delivery job to KEYS[4]; the reply
-- fields are the stream's reply record while it is not marked published (see unpublished_reply), else ''.
local key = KEYS[1]

local state = redis.call('HMGET', key, 'finish', 'attempt', 'created')
local created = state[3] or ''
if state[1] == '1' then return {'FINAL', created, '0', unpublished_reply(ARGV[3])} end
if state[2] then return {'FINAL', created, '0', '', '', ''} end
redis.call('HSET', key, 'content', ARGV[1], 'finish', '1', 'rejected', ARGV[2], 'updatedAt', ARGV[3])
redis.call('HSETNX', key, 'bot', ARGV[#ARGV])
redis.call('PEXPIRE', key, ARGV[4])
local queued = enqueue(ARGV[9], ARGV[1], created ~= '' and created or ARGV[8], ARGV[10], ARGV[11], ARGV[12])
keep_reply(ARGV[6], ARGV[1], ARGV[7], ARGV[5], ARGV[3])
return {'FINISHED', created, queued, unpublished_reply(ARGV[3])}
