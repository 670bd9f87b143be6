-- KEYS[1] a key that may have been taken over since it was read   ARGV[1] the value it held then
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
