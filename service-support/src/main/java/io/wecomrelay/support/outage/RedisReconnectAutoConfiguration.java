package io.wecomrelay.support.outage;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.resource.Delay;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.data.redis.autoconfigure.ClientResourcesBuilderCustomizer;
import org.springframework.context.annotation.Bean;

/**
 * How soon a service's Redis connection comes back after Redis did. Lettuce's own reconnect delay doubles up to
 * 30 s, so after an outage of a minute a service would go on failing for up to half a minute with Redis already
 * back, and two instances would come back up to 30 s apart. Work that one instance started before the outage and
 * must note as soon as Redis answers (a WeCom send whose answer is not yet in the delivery state) relies on all
 * instances reconnecting within about a second.
 */
@AutoConfiguration
@ConditionalOnClass({Delay.class, ClientResourcesBuilderCustomizer.class})
public class RedisReconnectAutoConfiguration {

    /** The longest pause between two reconnect attempts. */
    static final Duration MAX_RECONNECT_DELAY = Duration.ofSeconds(1);

    @Bean
    ClientResourcesBuilderCustomizer redisReconnectDelay() {
        return builder -> builder.reconnectDelay(reconnectDelay());
    }

    /**
     * 50 ms, doubling per attempt, at most {@link #MAX_RECONNECT_DELAY}. Public for clients built by hand (tests that
     * stop and start a Redis of their own), which must reconnect as the services do.
     */
    public static Delay reconnectDelay() {
        return Delay.exponential(Duration.ofMillis(50), MAX_RECONNECT_DELAY, 2, TimeUnit.MILLISECONDS);
    }
}
