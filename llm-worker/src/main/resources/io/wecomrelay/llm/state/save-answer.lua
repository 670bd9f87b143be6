-- KEYS[1] llm:message:{streamId}   KEYS[2] llm:conversation:{conversationKey}
-- ARGV[1] the Dify message's JSON   ARGV[2] its ttl, ms   ARGV[3] the Dify conversation id   ARGV[4] its ttl, ms
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[4])
return 1
