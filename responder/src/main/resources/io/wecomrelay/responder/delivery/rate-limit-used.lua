-- Stamps a permit with the time its send was answered, so that the window counts from when WeCom saw the
-- message at the latest, not from when the permit was granted (scheduling delays between the two would
-- otherwise let WeCom see more than the limit in its own window).
-- KEYS[1] sorted set of permit times
-- ARGV[1] now, epoch ms   ARGV[2] window, ms   ARGV[3] the permit id
-- Returns 1 when the permit was still in the window and is restamped, else 0.
if not redis.call('ZSCORE', KEYS[1], ARGV[3]) then return 0 end
redis.call('ZADD', KEYS[1], 'XX', ARGV[1], ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
