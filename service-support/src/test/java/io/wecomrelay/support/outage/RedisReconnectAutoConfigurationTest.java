package io.wecomrelay.support.outage;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class RedisReconnectAutoConfigurationTest {

    private final ApplicationContextRunner contexts = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, RedisReconnectAutoConfiguration.class));

    @Test
    void theServicesRedisClientTriesToReconnectAtLeastEverySecond() {
        contexts.run(context -> {
            Delay delay = context.getBean(ClientResources.class).reconnectDelay();
            assertThat(delay.createDelay(1)).isEqualTo(Duration.ofMillis(50));
            assertThat(delay.createDelay(8)).isEqualTo(Duration.ofMillis(128));
            // Lettuce's default would be at 30 s by now
            assertThat(delay.createDelay(20)).isEqualTo(RedisReconnectAutoConfiguration.MAX_RECONNECT_DELAY);
            for (int attempt = 1; attempt <= 20; attempt++) {
                assertThat(delay.createDelay(attempt)).as("the delay clients built by hand use, attempt %d", attempt)
                        .isEqualTo(RedisReconnectAutoConfiguration.reconnectDelay().createDelay(attempt));
            }
        });
    }

    @Test
    void aServiceWithoutRedisGetsNoCustomizer() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(RedisReconnectAutoConfiguration.class))
                .withClassLoader(new FilteredClassLoader(Delay.class))
                .run(context -> assertThat(context).doesNotHaveBean("redisReconnectDelay"));
    }
}
