-- Folds many chunks, each into its own stream, in one call: the loop around fold(KEYS, ARGV), which
-- io.wecomrelay.support.stream.StreamFoldScripts defines just before this text from finish.lua and fold-chunk.lua
-- unchanged, so that the fold rules exist once. For each fold, in order:
-- ARGV: its number of keys, its number of arguments, then its arguments (fold-chunk.lua's ARGV);
-- KEYS: its keys (fold-chunk.lua's KEYS), taken in the same order.
-- Returns one reply per fold, in order: fold-chunk.lua's reply, or {'ERROR', message} for a fold that raised an error
-- (that fold only: the others still run, and whatever the failed one wrote before its error stays, as it would after
-- fold-chunk.lua's own error).
local replies = {}
local key_at = 1
local arg_at = 1
while arg_at <= #ARGV do
  local key_count = tonumber(ARGV[arg_at])
  local arg_count = tonumber(ARGV[arg_at + 1])
  arg_at = arg_at + 2
  local keys = {}
  for i = 1, key_count do keys[i] = KEYS[key_at + i - 1] end
  local args = {}
  for i = 1, arg_count do args[i] = ARGV[arg_at + i - 1] end
  key_at = key_at + key_count
  arg_at = arg_at + arg_count
  local ok, reply = pcall(fold, keys, args)
  if ok then
    replies[#replies + 1] = reply
  else
    replies[#replies + 1] = {'ERROR', type(reply) == 'table' and tostring(reply.err) or tostring(reply)}
  end
end
return replies
