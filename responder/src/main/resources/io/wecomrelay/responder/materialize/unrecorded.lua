-- Claims reply records that were kept (finish.lua) and are still not marked published ARGV[2] ms after: the
-- responder that folded them died or could not publish them. Claimed ones are put back at the end of the index
-- (scored now), so no other instance's sweep takes them until they are overdue again.
-- KEYS[1] the unrecorded replies' index (members: the reply keys, {prefix}reply:{streamId}; scores: epoch ms)
-- ARGV[1] now, epoch ms   ARGV[2] how long a record is left to the responder that folded it, ms
-- ARGV[3] the most to claim
-- Returns {size, key...}: the index's size before the claim, then the reply keys claimed, oldest first.
local overdue = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[1]) - tonumber(ARGV[2]),
  'LIMIT', 0, tonumber(ARGV[3]))
local claimed = {redis.call('ZCARD', KEYS[1])}
for _, reply_key in ipairs(overdue) do
  redis.call('ZADD', KEYS[1], 'XX', ARGV[1], reply_key)
  claimed[#claimed + 1] = reply_key
end
return claimed
