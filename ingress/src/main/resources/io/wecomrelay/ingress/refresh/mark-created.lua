-- KEYS[1] stream:{streamId}
-- ARGV[1] the created field  ARGV[2] when  ARGV[3] ttl, s  ARGV[4] the owner field  ARGV[5] the owner
-- ARGV[6] the trace id field  ARGV[7] the message's trace id
redis.call('HSETNX', KEYS[1], ARGV[4], ARGV[5])
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 1 then
  -- only the mark that created the marker: a retried callback carries a trace of its own, not the message's
  redis.call('HSETNX', KEYS[1], ARGV[6], ARGV[7])
  redis.call('EXPIRE', KEYS[1], ARGV[3])
  return 1
end
return 0
