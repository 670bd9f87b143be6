-- Marks a stream's reply record (see finish.lua) published on wecom.replies: a last chunk or rejection redelivered
-- afterwards publishes nothing, and no sweep publishes it again. Only the mark stays, now for ARGV[1] ms
-- (stream.recorded-mark-ttl: longer than the records that can finish a stream stay on their topics, so none is
-- redelivered after the mark is gone); the draft and the content are on the topic now.
-- KEYS[1] {prefix}reply:{streamId}   KEYS[2] the unrecorded replies' index
-- ARGV[1] the mark's lifetime in ms
-- Returns 1 when marked, 0 when there is no record (it expired; a new HSET would make a key that never expires).
redis.call('ZREM', KEYS[2], KEYS[1])
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'published', '1')
redis.call('HDEL', KEYS[1], 'draft', 'content', 'truncated')
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1
