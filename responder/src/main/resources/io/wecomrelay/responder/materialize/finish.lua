-- What fold-chunk.lua and reject.lua do in the atomic step that sets a stream's finish; prepended to each of
-- them (io.wecomrelay.support.redis.LuaScripts). Both scripts take the same keys:
-- KEYS[1] stream:{streamId}   KEYS[2] {prefix}reply:{streamId}, the stream's reply record
-- and, for a bot that delivers actively (response_url, webhook, app message):
-- KEYS[3] the bot's outbox stream   KEYS[4] the stream's delivery state hash

-- Appends the delivery job to the outbox, once per stream: the 'queued' field of the delivery state outlives
-- the stream hash, so a last chunk redelivered after the stream hash expired finishes a new hash but queues
-- nothing. Announces the job on the channel named like the outbox, which wakes the worker of the instance holding
-- the bot's lease (RedisOutboxSignals); pcall, because an ACL that denies the channel must not lose the job, which
-- the next poll finds anyway. Returns '1' when it appended the job.
local function enqueue(stream_id, content, created, source_topic, source, state_ttl)
  if #KEYS < 4 then return '0' end
  if redis.call('HSETNX', KEYS[4], 'queued', '-') == 0 then return '0' end
  local id = redis.call('XADD', KEYS[3], '*', 'streamId', stream_id, 'content', content, 'created', created,
    'sourceTopic', source_topic, 'source', source)
  redis.call('HSET', KEYS[4], 'queued', id)
  redis.call('PEXPIRE', KEYS[4], state_ttl)
  redis.pcall('PUBLISH', KEYS[3], id)
  return '1'
end

-- Keeps the stream's reply record: the draft (the reply-recorded event without its text, from the responder)
-- and the final content. Written once: the key outlives the stream hash (ttl, ms), so a last chunk or rejection
-- redelivered after the stream hash expired finds it and writes no other. Fields: draft, content, truncated,
-- and published ('1', set by recorded.lua, which also drops the others) once the record is on wecom.replies.
local function keep_reply(draft, content, truncated, ttl)
  if draft == '' or redis.call('EXISTS', KEYS[2]) == 1 then return end
  redis.call('HSET', KEYS[2], 'draft', draft, 'content', content, 'truncated', truncated)
  redis.call('PEXPIRE', KEYS[2], ttl)
end

-- The stream's reply record still to be published: draft, content, truncated ('1' | '0'); three '' when it is
-- marked published or there is none.
local function unpublished_reply()
  local reply = redis.call('HMGET', KEYS[2], 'draft', 'content', 'truncated', 'published')
  if reply[1] and not reply[4] then return reply[1], reply[2], reply[3] end
  return '', '', ''
end
