-- Folds one reply chunk into the stream hash (layout: io.wecomrelay.schemas.stream.StreamStateKeys). Runs after
-- finish.lua (its functions and the keys). Two services run it (io.wecomrelay.support.stream.StreamFoldScripts): the
-- responder with every chunk it consumes, and the llm-worker with the previews of a streaming bot's answer, which
-- never reach wecom.chunks. A preview is never last and names only KEYS[1] (ARGV[12] and ARGV[13] unused): it
-- neither finishes the stream nor keeps or reads a reply record.
-- KEYS[1]  stream:{streamId}  KEYS[2]  {prefix}reply:{streamId}  KEYS[3]  the unrecorded replies' index
-- ARGV[1]  attempt            ARGV[2]  seq               ARGV[3]  kind: APPEND | REPLACE
-- ARGV[4]  text               ARGV[5]  last: 1 | 0       ARGV[6]  error code, '' for none
-- ARGV[7]  images JSON, ''    ARGV[8]  now, epoch ms     ARGV[9]  ttl, ms
-- ARGV[10] max content bytes (the stream's)              ARGV[11] truncation note
-- ARGV[12] reply record ttl, ms   ARGV[13] reply record draft JSON ('' on a chunk that is not last)
-- ARGV[14] max answer bytes: the whole answer kept, past which it is cut with the truncation note
-- ARGV[15] continued note: ends the stream's content when the answer is longer than the stream takes and the rest
--          follows in other messages; '' when the bot has no way to send the rest (the content is cut with the
--          truncation note, and that is the final text)
-- For a bot that delivers actively (response_url, webhook, app message), or a streaming one whose answer may
-- continue, also:
-- KEYS[4]  the bot's outbox stream   KEYS[5]  the stream's delivery state hash
-- ARGV[16] stream id          ARGV[17] source topic      ARGV[18] source event JSON
-- ARGV[19] delivery state ttl, ms   ARGV[20] the message's receive time, epoch ms (used when ingress left no
--          'created', e.g. when a replayed chunk finds the stream hash long expired; never the fold's time)
-- ARGV[21] '1': queue the job only when the answer continues past the stream (a streaming bot's follow-up)
-- ARGV[#ARGV] (always the last argument) the bot id that owns the stream, set once (HSETNX) on every write
-- Writes StreamStateKeys' fields, among them 'full', the whole answer while it is longer than the content (the
-- content then is its first part and the continued note), with 'continuedNote', the note used; and besides them
-- 'truncated', '1' once the answer itself was cut.
-- Returns {status, gap, truncated, answerBytes, created, answer, queued, replyDraft, replyContent,
-- replyTruncated}; status is one of
--   FINISHED  applied, and this chunk flipped finish to 1 (the final answer is returned only then)
--   APPLIED   applied, not finished
--   DUPLICATE same attempt, seq already folded: nothing changed
--   STALE     older attempt than the one folded: nothing changed
--   FINAL     the stream is already finished: nothing changes a finished stream
-- queued is '1' when FINISHED also appended the delivery job to KEYS[4] (enqueue in finish.lua); the reply
-- fields are the stream's reply record, on FINISHED and FINAL, while it is not marked published (else '').
local key = KEYS[1]
local attempt = tonumber(ARGV[1])
local seq = tonumber(ARGV[2])
local kind = ARGV[3]
local text = ARGV[4]
local max = tonumber(ARGV[10])
local note = ARGV[11]
local max_answer = tonumber(ARGV[14])
local continued_note = ARGV[15]

-- Same steps as io.wecomrelay.schemas.text.ContentCap#cap, on bytes (s is longer than max).
local function cap(s, max, note)
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

local state = redis.call('HMGET', key, 'finish', 'attempt', 'seq', 'truncated', 'created', 'full')
local created = state[5] or ''
if state[1] == '1' then return {'FINAL', '0', '0', '0', created, '', '0', unpublished_reply(ARGV[8])} end

local current_attempt = tonumber(state[2])
local gap = '0'
local base = ''
local truncated = false
-- a REPLACE needs nothing that came before it: never a gap (the llm-worker's last chunk replaces the previews it
-- folded itself, or skipped when Redis failed them)
local replaces = kind == 'REPLACE'
if current_attempt == nil or attempt > current_attempt then
  if seq ~= 0 and not replaces then gap = '1' end
elseif attempt < current_attempt then
  return {'STALE', '0', '0', '0', created, '', '0', '', '', ''}
else
  local current_seq = tonumber(state[3])
  if seq <= current_seq then return {'DUPLICATE', '0', '0', '0', created, '', '0', '', '', ''} end
  if seq > current_seq + 1 and not replaces then gap = '1' end
  base = state[6] or redis.call('HGET', key, 'content') or ''
  truncated = state[4] == '1'
end

local answer
if replaces then
  answer = text
  truncated = false
elseif truncated then
  answer = base
else
  answer = base .. text
end
if not truncated and #answer > max_answer then
  answer = cap(answer, max_answer, note)
  truncated = true
end
-- the stream shows what fits; the whole answer goes on in other messages, or, with nowhere to go, is cut
local content = answer
local continues = false
if #answer > max then
  if continued_note ~= '' then
    content = cap(answer, max, continued_note)
    continues = true
  else
    answer = cap(answer, max, note)
    content = answer
    truncated = true
  end
end

local finish = ARGV[5]
local truncated_flag = truncated and '1' or '0'
redis.call('HSET', key, 'content', content, 'attempt', ARGV[1], 'seq', ARGV[2], 'truncated', truncated_flag,
  'finish', finish, 'updatedAt', ARGV[8])
-- the note too: a reader of 'full' (the connector) cuts the answer where this fold cut it
if continues then redis.call('HSET', key, 'full', answer, 'continuedNote', continued_note)
else redis.call('HDEL', key, 'full', 'continuedNote') end
redis.call('HSETNX', key, 'bot', ARGV[#ARGV])
if finish == '1' then
  if ARGV[6] ~= '' then redis.call('HSET', key, 'error', ARGV[6]) end
  if ARGV[7] ~= '' then redis.call('HSET', key, 'images', ARGV[7]) end
end
redis.call('PEXPIRE', key, ARGV[9])
if finish == '1' then
  local queued = '0'
  if continues or ARGV[21] ~= '1' then
    queued = enqueue(ARGV[16], answer, created ~= '' and created or ARGV[20], ARGV[17], ARGV[18], ARGV[19])
  end
  keep_reply(ARGV[13], answer, truncated_flag, ARGV[12], ARGV[8])
  return {'FINISHED', gap, truncated_flag, tostring(#answer), created, answer, queued, unpublished_reply(ARGV[8])}
end
return {'APPLIED', gap, truncated_flag, tostring(#answer), created, '', '0', '', '', ''}
