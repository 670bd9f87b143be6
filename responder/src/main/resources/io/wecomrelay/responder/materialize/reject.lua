-- Turns a rejection into a finished stream, unless the stream already has chunks or is finished.
-- KEYS[1] stream:{streamId}
-- ARGV[1] text (already capped)   ARGV[2] reason   ARGV[3] now, epoch ms   ARGV[4] ttl, ms
-- Returns {status, created}; status FINISHED (written now) or FINAL (left unchanged).
local key = KEYS[1]
local state = redis.call('HMGET', key, 'finish', 'attempt', 'created')
local created = state[3] or ''
if state[1] == '1' or state[2] then return {'FINAL', created} end
redis.call('HSET', key, 'content', ARGV[1], 'finish', '1', 'rejected', ARGV[2], 'updatedAt', ARGV[3])
redis.call('PEXPIRE', key, ARGV[4])
return {'FINISHED', created}
