-- One poll of a bot's outbox by the instance that holds the bot's delivery lease.
-- KEYS[1] the outbox stream   KEYS[2] the bot's lease key
-- ARGV[1] consumer group      ARGV[2] this consumer (= lease holder id)
-- ARGV[3] claim min-idle, ms  ARGV[4] batch size
-- Returns {status, claimed, length, id1, {field, value, ...}, id2, ...}; status is one of
--   NOT_HOLDER  the lease is not ours (any more): read nothing
--   BLOCKED     another consumer still has pending jobs not idle long enough to claim: read nothing, so
--               that no later job overtakes them
--   EMPTY       nothing to do
--   ENTRIES     our pending jobs (claimed ones included) in id order, or else up to ARGV[4] new ones
-- claimed is the number of jobs XAUTOCLAIM moved from other consumers to us in this call; length is the
-- number of jobs in the outbox (the ones returned included), for the depth limit.
if redis.call('GET', KEYS[2]) ~= ARGV[2] then return {'NOT_HOLDER', 0, 0} end
-- The group reads from the start of the stream, so jobs queued before it existed are not missed.
redis.pcall('XGROUP', 'CREATE', KEYS[1], ARGV[1], '0', 'MKSTREAM')
-- {mine, others}: pending jobs of this consumer and of all other consumers
local function pending()
  local mine, others = 0, 0
  local summary = redis.call('XPENDING', KEYS[1], ARGV[1])
  if summary[4] then
    for _, consumer in ipairs(summary[4]) do
      if consumer[1] == ARGV[2] then mine = tonumber(consumer[2]) else others = others + tonumber(consumer[2]) end
    end
  end
  return mine, others
end
local count = 0
local mine, others = pending()
if others > 0 then
  redis.call('XAUTOCLAIM', KEYS[1], ARGV[1], ARGV[2], ARGV[3], '0-0', 'COUNT', ARGV[4], 'JUSTID')
  local before = mine
  mine, others = pending()
  count = mine - before
  if others > 0 then return {'BLOCKED', count, 0} end
end
local read = redis.call('XREADGROUP', 'GROUP', ARGV[1], ARGV[2], 'COUNT', ARGV[4], 'STREAMS', KEYS[1], '0')
local entries = read[1][2]
if #entries == 0 then
  read = redis.call('XREADGROUP', 'GROUP', ARGV[1], ARGV[2], 'COUNT', ARGV[4], 'STREAMS', KEYS[1], '>')
  if not read then return {'EMPTY', count, 0} end
  entries = read[1][2]
end
local out = {'ENTRIES', count, redis.call('XLEN', KEYS[1])}
for _, entry in ipairs(entries) do
  if entry[2] then
    out[#out + 1] = entry[1]
    out[#out + 1] = entry[2]
  else
    -- deleted while pending (never by us: we acknowledge and delete together): nothing to deliver
    redis.call('XACK', KEYS[1], ARGV[1], entry[1])
  end
end
if #out == 3 then return {'EMPTY', count, 0} end
return out
