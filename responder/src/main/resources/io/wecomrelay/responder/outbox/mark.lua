-- Notes what happened to one part of a stream's delivery (see DeliveryStates).
-- KEYS[1] the stream's delivery state hash   ARGV[1] field   ARGV[2] value   ARGV[3] ttl, ms
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
