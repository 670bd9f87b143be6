-- Finishes a delivery job whose outcome is recorded: notes the outcome in the stream's delivery state, then
-- acknowledges and deletes the job. Only the consumer that owns the pending job acknowledges it: a holder
-- that lost its lease while recording leaves the job to the instance that claimed it since, which finds
-- 'done' and acknowledges it without sending anything again.
-- KEYS[1] the outbox stream   KEYS[2] the stream's delivery state hash
-- ARGV[1] consumer group      ARGV[2] this consumer   ARGV[3] job id   ARGV[4] outcome   ARGV[5] state ttl, ms
-- Returns 1 when acknowledged, 0 when the job is not (or no longer) ours.
redis.call('HSET', KEYS[2], 'done', ARGV[4])
redis.call('PEXPIRE', KEYS[2], ARGV[5])
local pending = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[3], ARGV[3], 1)
if #pending == 0 or pending[1][2] ~= ARGV[2] then return 0 end
redis.call('XACK', KEYS[1], ARGV[1], ARGV[3])
redis.call('XDEL', KEYS[1], ARGV[3])
return 1
