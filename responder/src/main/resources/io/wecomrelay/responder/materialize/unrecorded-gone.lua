-- Takes a reply key the sweep found nothing to publish under out of the unrecorded replies' index, unless a fold kept
-- a record there since the sweep read it (a last chunk redelivered after the key expired): that one stays indexed.
-- KEYS[1] the unrecorded replies' index   KEYS[2] {prefix}reply:{streamId}
-- Returns 'kept' (left indexed), 'marked' (published meanwhile) or 'expired' (gone unpublished: the record is lost).
local reply = redis.call('HMGET', KEYS[2], 'draft', 'published')
if reply[1] and not reply[2] then return 'kept' end
redis.call('ZREM', KEYS[1], KEYS[2])
if reply[2] then return 'marked' end
return 'expired'
