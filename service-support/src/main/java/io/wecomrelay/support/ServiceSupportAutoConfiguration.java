package io.wecomrelay.support;

import java.time.Clock;
import java.util.UUID;
import java.util.function.Supplier;

import io.micrometer.core.instrument.MeterRegistry;
import io.wecomrelay.support.deadletter.DeadLetterScheme;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * The beans every service has and none wires itself: the wall clock, the id generator and the
 * dead-letter scheme. Each steps back when the context already has a bean of its type, so a test
 * (or a service) replaces one by declaring its own, e.g. a fixed {@link Clock}.
 */
@AutoConfiguration
class ServiceSupportAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    @ConditionalOnMissingBean
    Supplier<UUID> idGenerator() {
        return UUID::randomUUID;
    }

    /** Headers and counter of every dead letter, named after the service ({@code spring.application.name}). */
    @Bean
    @ConditionalOnMissingBean
    DeadLetterScheme deadLetterScheme(Environment environment, Clock clock, MeterRegistry meters) {
        return new DeadLetterScheme(environment.getProperty("spring.application.name", "wecom-relay"), clock, meters);
    }
}
