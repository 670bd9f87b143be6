-- Takes or renews a lease of one holder (a rate-limit notice's window, RateLimitNotices; the bots' delivery leases
-- are taken many at once by leases.lua, the same steps per key).
-- KEYS[1] the lease key   ARGV[1] this instance's consumer name   ARGV[2] ttl, ms
-- Returns 1 when this instance holds the lease for ttl from now, 0 when another instance holds it.
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if holder then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
