-- What fold-chunk.lua and reject.lua do in the atomic step that sets a stream's finish; prepended to each of
-- them (io.wecomrelay.support.redis.LuaScripts). Both scripts take the same keys:
-- KEYS[1] stream:{streamId}   KEYS[2] {prefix}reply:{streamId}, the stream's reply record
-- KEYS[3] the sorted set of reply records kept and not yet marked published (members: their KEYS[2])
-- and, for a bot that delivers actively (response_url, webhook, app message):
-- KEYS[4] the bot's outbox stream   KEYS[5] the stream's delivery state hash

-- Appends the delivery job to the outbox, once per stream: the 'queued' field of the delivery state outlives
-- the stream hash, so a last chunk redelivered after the stream hash expired finishes a new hash but queues
-- nothing. Announces the job on the channel named like the outbox, which wakes the worker of the instance holding
-- the bot's lease (RedisOutboxSignals); pcall, because an ACL that denies the channel must not lose the job, which
-- the next poll finds anyway. Returns '1' when it appended the job.
local function enqueue(stream_id, content, created, source_topic, source, state_ttl)
  if #KEYS < 5 then return '0' end
  if redis.call('HSETNX', KEYS[5], 'queued', '-') == 0 then return '0' end
  local id = redis.call('XADD', KEYS[4], '*', 'streamId', stream_id, 'content', content, 'created', created,
    'sourceTopic', source_topic, 'source', source)
  redis.call('HSET', KEYS[5], 'queued', id)
  redis.call('PEXPIRE', KEYS[5], state_ttl)
  redis.pcall('PUBLISH', KEYS[4], id)
  return '1'
end

-- Keeps the stream's reply record: the draft (the reply-recorded event without its text, from the responder)
-- and the final content. Written once: the key outlives the stream hash (ttl, ms), so a last chunk or rejection
-- redelivered after the stream hash expired finds it and writes no other. Fields: draft, content, truncated,
-- and published ('1', set by recorded.lua, which also drops the others) once the record is on wecom.replies.
-- Indexed in KEYS[3] by the time it was kept (now, epoch ms) until recorded.lua marks it: the responder that folded
-- it publishes it right after the fold, without holding up its consumer; whatever it did not publish (it died, the
-- broker refused) is found there by the sweep of any instance (unrecorded.lua).
local function keep_reply(draft, content, truncated, ttl, now)
  if draft == '' or redis.call('EXISTS', KEYS[2]) == 1 then return end
  redis.call('HSET', KEYS[2], 'draft', draft, 'content', content, 'truncated', truncated)
  redis.call('PEXPIRE', KEYS[2], ttl)
  redis.call('ZADD', KEYS[3], now, KEYS[2])
end

-- The stream's reply record still to be published: draft, content, truncated ('1' | '0'); three '' when it is
-- marked published or there is none (and for a fold that names no reply record: the llm-worker's previews).
-- Indexes it if it is not (kept by a responder from before the index), so that a
-- failed publish of what this fold hands back is still swept.
local function unpublished_reply(now)
  if #KEYS < 3 then return '', '', '' end
  local reply = redis.call('HMGET', KEYS[2], 'draft', 'content', 'truncated', 'published')
  if reply[1] and not reply[4] then
    redis.call('ZADD', KEYS[3], 'NX', now, KEYS[2])
    return reply[1], reply[2], reply[3]
  end
  return '', '', ''
end
