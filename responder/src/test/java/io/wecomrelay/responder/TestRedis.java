package io.wecomrelay.responder;

import io.wecomrelay.testkit.TestInfrastructure;

import org.springframework.data.redis.connection.RedisConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.StringRedisTemplate;

/** Templates on the shared test Redis, for tests without a Spring context. Close the factory after use. */
public final class TestRedis implements AutoCloseable {

    private final LettuceConnectionFactory factory;

    public TestRedis() {
        RedisConfiguration config = LettuceConnectionFactory.createRedisConfiguration(TestInfrastructure.redisUrl());
        this.factory = new LettuceConnectionFactory(config);
        factory.afterPropertiesSet();
        factory.start();
    }

    public StringRedisTemplate template() {
        var template = new StringRedisTemplate(factory);
        template.afterPropertiesSet();
        return template;
    }

    public LettuceConnectionFactory connectionFactory() {
        return factory;
    }

    public ReactiveStringRedisTemplate reactive() {
        return new ReactiveStringRedisTemplate(factory);
    }

    @Override
    public void close() {
        factory.destroy();
    }
}
