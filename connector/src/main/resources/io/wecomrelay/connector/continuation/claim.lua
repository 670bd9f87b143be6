-- KEYS[1] {prefix}after:{streamId}   KEYS[2] {prefix}after-pending:{botId}
-- ARGV[1] req_id  ARGV[2] text parts  ARGV[3] images  ARGV[4] ttl, ms  ARGV[5] stream id
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'reqId', ARGV[1], 'next', '0', 'parts', ARGV[2], 'images', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('HSET', KEYS[2], ARGV[5], ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
return 1
