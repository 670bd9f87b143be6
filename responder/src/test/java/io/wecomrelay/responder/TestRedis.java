package io.wecomrelay.responder;

import java.time.Duration;

import io.lettuce.core.resource.DefaultClientResources;
import io.wecomrelay.support.outage.RedisReconnectAutoConfiguration;
import io.wecomrelay.testkit.TestInfrastructure;

import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.StringRedisTemplate;

/** Templates on the shared test Redis, for tests without a Spring context. Close the factory after use. */
public final class TestRedis implements AutoCloseable {

    private final LettuceConnectionFactory factory;

    public TestRedis() {
        this(new LettuceConnectionFactory(LettuceConnectionFactory.createRedisConfiguration(TestInfrastructure.redisUrl())));
    }

    /**
     * On a Redis of the test's own that it stops and starts: commands fail after {@code commandTimeout} while it is
     * down, and the client reconnects as the services' does (service-support's reconnect delay, at most a second).
     */
    public TestRedis(String url, Duration commandTimeout) {
        this(new LettuceConnectionFactory(LettuceConnectionFactory.createRedisConfiguration(url),
                LettuceClientConfiguration.builder().commandTimeout(commandTimeout)
                        .clientResources(DefaultClientResources.builder()
                                .reconnectDelay(RedisReconnectAutoConfiguration.reconnectDelay())
                                .build())
                        .build()));
    }

    private TestRedis(LettuceConnectionFactory factory) {
        this.factory = factory;
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
