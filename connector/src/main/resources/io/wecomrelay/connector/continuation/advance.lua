-- KEYS[1] {prefix}after:{streamId}   KEYS[2] {prefix}after-pending:{botId}
-- ARGV[1] next as read  ARGV[2] its new value  ARGV[3] ttl, ms  ARGV[4] stream id
if redis.call('HGET', KEYS[1], 'next') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'next', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
local total = tonumber(redis.call('HGET', KEYS[1], 'parts')) + tonumber(redis.call('HGET', KEYS[1], 'images'))
if tonumber(ARGV[2]) >= total then redis.call('HDEL', KEYS[2], ARGV[4]) end
return 1
