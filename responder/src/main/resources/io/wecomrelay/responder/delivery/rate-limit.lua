-- Sliding-window log: at most ARGV[3] permits in any ARGV[2] ms, shared by every responder instance.
-- KEYS[1] sorted set of permit times
-- ARGV[1] now, epoch ms   ARGV[2] window, ms   ARGV[3] permits   ARGV[4] unique permit id
-- Returns 0 when the permit was taken, otherwise the ms to wait before asking again.
local key = KEYS[1]
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
if redis.call('ZCARD', key) < tonumber(ARGV[3]) then
  redis.call('ZADD', key, now, ARGV[4])
  redis.call('PEXPIRE', key, window)
  return 0
end
local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
local wait = tonumber(oldest[2]) + window - now
if wait < 1 then wait = 1 end
return wait
