-- A stopping instance gives up a bot: releases the lease if it holds it, and removes its consumer from the
-- group when it has no pending jobs (pending ones stay, for the next holder to claim).
-- KEYS[1] the outbox stream   KEYS[2] the lease key
-- ARGV[1] consumer group      ARGV[2] this consumer
if redis.call('GET', KEYS[2]) == ARGV[2] then redis.call('DEL', KEYS[2]) end
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local mine = redis.pcall('XPENDING', KEYS[1], ARGV[1], '-', '+', 1, ARGV[2])
if type(mine) == 'table' and not mine.err and #mine == 0 then
  redis.pcall('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], ARGV[2])
end
return 1
