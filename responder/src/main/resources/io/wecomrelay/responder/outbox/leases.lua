-- Takes or renews the delivery leases of several bots at once: only a lease's holder reads its bot's outbox. One call
-- per instance and renewal for a batch of bots, instead of one per bot. Also a rate-limit notice's window, one key
-- held by the notice's stream id (RateLimitNotices).
-- KEYS the lease keys   ARGV[1] the holder (this instance's consumer name)   ARGV[2] ttl, ms
-- Returns, per key in order, 1 when the holder has that lease for ttl from now, 0 when another holder has it.
local held = {}
for i, key in ipairs(KEYS) do
  local holder = redis.call('GET', key)
  if holder == ARGV[1] then
    redis.call('PEXPIRE', key, ARGV[2])
    held[i] = 1
  elseif holder then
    held[i] = 0
  else
    redis.call('SET', key, ARGV[1], 'PX', ARGV[2])
    held[i] = 1
  end
end
return held
