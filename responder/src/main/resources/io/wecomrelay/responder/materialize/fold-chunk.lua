-- Folds one reply chunk into the stream hash (layout: io.wecomrelay.schemas.stream.StreamStateKeys). Runs after
-- finish.lua (its functions and the keys).
-- KEYS[1]  stream:{streamId}  KEYS[2]  {prefix}reply:{streamId}
-- ARGV[1]  attempt            ARGV[2]  seq               ARGV[3]  kind: APPEND | REPLACE
-- ARGV[4]  text               ARGV[5]  last: 1 | 0       ARGV[6]  error code, '' for none
-- ARGV[7]  images JSON, ''    ARGV[8]  now, epoch ms     ARGV[9]  ttl, ms
-- ARGV[10] max content bytes  ARGV[11] truncation note
-- ARGV[12] reply record ttl, ms   ARGV[13] reply record draft JSON ('' on a chunk that is not last)
-- For a bot that delivers actively (response_url, webhook, app message) also:
-- KEYS[3]  the bot's outbox stream   KEYS[4]  the stream's delivery state hash
-- ARGV[14] stream id          ARGV[15] source topic      ARGV[16] source event JSON
-- ARGV[17] delivery state ttl, ms   ARGV[18] the message's receive time, epoch ms (used when ingress left no
--          'created', e.g. when a replayed chunk finds the stream hash long expired; never the fold's time)
-- ARGV[#ARGV] (always the last argument) the bot id that owns the stream, set once (HSETNX) on every write
-- Returns {status, gap, truncated, contentBytes, created, content, queued, replyDraft, replyContent,
-- replyTruncated}; status is one of
--   FINISHED  applied, and this chunk flipped finish to 1 (content is returned only then)
--   APPLIED   applied, not finished
--   DUPLICATE same attempt, seq already folded: nothing changed
--   STALE     older attempt than the one folded: nothing changed
--   FINAL     the stream is already finished: nothing changes a finished stream
-- queued is '1' when FINISHED also appended the delivery job to KEYS[3] (enqueue in finish.lua); the reply
-- fields are the stream's reply record, on FINISHED and FINAL, while it is not marked published (else '').
local key = KEYS[1]
local attempt = tonumber(ARGV[1])
local seq = tonumber(ARGV[2])
local kind = ARGV[3]
local text = ARGV[4]
local max = tonumber(ARGV[10])
local note = ARGV[11]

-- Same steps as io.wecomrelay.responder.text.ContentCap#cap, on bytes.
local function cap(s)
  local close = '\n```'
  local cut = max - #note - #close
  while cut > 0 do
    local b = string.byte(s, cut + 1)
    if b >= 128 and b < 192 then cut = cut - 1 else break end
  end
  local floor = math.max(0, cut - 1024)
  for j = cut, floor + 1, -1 do
    if string.byte(s, j) == 10 then
      cut = j - 1
      break
    end
  end
  local kept = string.sub(s, 1, cut)
  local fences = 0
  for line in (kept .. '\n'):gmatch('([^\n]*)\n') do
    if line:find('^ ? ? ?```') then fences = fences + 1 end
  end
  if fences % 2 == 1 then kept = kept .. close end
  return kept .. note
end

local state = redis.call('HMGET', key, 'finish', 'attempt', 'seq', 'truncated', 'created')
local created = state[5] or ''
if state[1] == '1' then return {'FINAL', '0', '0', '0', created, '', '0', unpublished_reply()} end

local current_attempt = tonumber(state[2])
local gap = '0'
local base = ''
local truncated = false
if current_attempt == nil or attempt > current_attempt then
  if seq ~= 0 then gap = '1' end
elseif attempt < current_attempt then
  return {'STALE', '0', '0', '0', created, '', '0', '', '', ''}
else
  local current_seq = tonumber(state[3])
  if seq <= current_seq then return {'DUPLICATE', '0', '0', '0', created, '', '0', '', '', ''} end
  if seq > current_seq + 1 then gap = '1' end
  base = redis.call('HGET', key, 'content') or ''
  truncated = state[4] == '1'
end

local content
if kind == 'REPLACE' then
  content = text
  truncated = false
elseif truncated then
  content = base
else
  content = base .. text
end
if not truncated and #content > max then
  content = cap(content)
  truncated = true
end

local finish = ARGV[5]
local truncated_flag = truncated and '1' or '0'
redis.call('HSET', key, 'content', content, 'attempt', ARGV[1], 'seq', ARGV[2], 'truncated', truncated_flag,
  'finish', finish, 'updatedAt', ARGV[8])
redis.call('HSETNX', key, 'bot', ARGV[#ARGV])
if finish == '1' then
  if ARGV[6] ~= '' then redis.call('HSET', key, 'error', ARGV[6]) end
  if ARGV[7] ~= '' then redis.call('HSET', key, 'images', ARGV[7]) end
end
redis.call('PEXPIRE', key, ARGV[9])
if finish == '1' then
  local queued = enqueue(ARGV[14], content, created ~= '' and created or ARGV[18], ARGV[15], ARGV[16], ARGV[17])
  keep_reply(ARGV[13], content, truncated_flag, ARGV[12])
  return {'FINISHED', gap, truncated_flag, tostring(#content), created, content, queued, unpublished_reply()}
end
return {'APPLIED', gap, truncated_flag, tostring(#content), created, '', '0', '', '', ''}
