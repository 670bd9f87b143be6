-- Takes or renews the delivery leases of several bots at once: only a lease's holder reads its bot's outbox. One call
-- per instance and renewal for a batch of bots, instead of one per bot.
-- KEYS the bots' lease keys   ARGV[1] this instance's consumer name   ARGV[2] ttl, ms
-- Returns, per key in order, 1 when this instance holds that lease for ttl from now, 0 when another instance holds it.
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
