-- Marks streams' reply records (see finish.lua) published on wecom.replies: a last chunk or rejection redelivered
-- afterwards publishes nothing, and no sweep publishes them again. Only the mark stays, now for ARGV[1] ms
-- (stream.recorded-mark-ttl: longer than the records that can finish a stream stay on their topics, so none is
-- redelivered after the mark is gone); the draft and the content are on the topic now. The responder marks the
-- records its last moment published together (RecordedMarks).
-- KEYS[1] the unrecorded replies' index   KEYS[2..n] {prefix}reply:{streamId}, one per record
-- ARGV[1] the mark's lifetime in ms
-- Returns how many were marked; a record that expired is not (a new HSET would make a key that never expires).
local marked = 0
for i = 2, #KEYS do
    redis.call('ZREM', KEYS[1], KEYS[i])
    if redis.call('EXISTS', KEYS[i]) == 1 then
        redis.call('HSET', KEYS[i], 'published', '1')
        redis.call('HDEL', KEYS[i], 'draft', 'content', 'truncated')
        redis.call('PEXPIRE', KEYS[i], ARGV[1])
        marked = marked + 1
    end
end
return marked
