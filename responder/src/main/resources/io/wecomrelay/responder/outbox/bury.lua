-- Moves a job that cannot be read (a bug, or a hand-made entry) out of the way: appended to the bot's
-- dead-job stream with the reason, then acknowledged and deleted, so that the bot's later jobs go on.
-- KEYS[1] the outbox stream   KEYS[2] the dead-job stream
-- ARGV[1] consumer group      ARGV[2] job id   ARGV[3] reason   ARGV[4..] the job's fields and values
local fields = {'jobId', ARGV[2], 'reason', ARGV[3]}
for i = 4, #ARGV do fields[#fields + 1] = ARGV[i] end
redis.call('XADD', KEYS[2], '*', unpack(fields))
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
redis.call('XDEL', KEYS[1], ARGV[2])
return 1
