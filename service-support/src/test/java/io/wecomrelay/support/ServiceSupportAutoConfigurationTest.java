package io.wecomrelay.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import java.util.function.Supplier;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wecomrelay.support.deadletter.DeadLetterScheme;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.ResolvableType;

/** The defaults every service gets, and that a bean of the same type replaces each of them. */
class ServiceSupportAutoConfigurationTest {

    private static final Clock FIXED = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    private static final UUID ID = UUID.fromString("00000000-0000-0000-0000-000000000001");

    private final ApplicationContextRunner contexts = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ServiceSupportAutoConfiguration.class))
            .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
            .withPropertyValues("spring.application.name=wecom-relay-test");

    @Test
    void aServiceGetsTheWallClockRandomIdsAndADeadLetterSchemeNamedAfterIt() {
        contexts.run(context -> {
            assertThat(context.getBean(Clock.class).getZone()).isEqualTo(ZoneOffset.UTC);
            assertThat(ids(context.getBean("idGenerator")).get()).isNotEqualTo(ids(context.getBean("idGenerator")).get());
            assertThat(context.getBean(DeadLetterScheme.class).service()).isEqualTo("wecom-relay-test");
        });
    }

    @Test
    void aTestReplacesTheClockAndTheIdsByDeclaringItsOwn() {
        contexts.withUserConfiguration(FixedClockAndIds.class).run(context -> {
                    assertThat(context).hasSingleBean(Clock.class);
                    assertThat(context.getBean(Clock.class)).isSameAs(FIXED);
                    assertThat(context.getBeanNamesForType(ResolvableType.forClassWithGenerics(Supplier.class, UUID.class)))
                            .containsExactly("fixedIds");
                    assertThat(ids(context.getBean("fixedIds")).get()).isEqualTo(ID);
                });
    }

    @Test
    void aSupplierOfSomethingElseDoesNotReplaceTheIds() {
        contexts.withUserConfiguration(Names.class).run(context -> assertThat(context).hasBean("idGenerator"));
    }

    @Configuration(proxyBeanMethods = false)
    static class FixedClockAndIds {
        @Bean
        Clock testClock() {
            return FIXED;
        }

        @Bean
        Supplier<UUID> fixedIds() {
            return () -> ID;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Names {
        @Bean
        Supplier<String> names() {
            return () -> "x";
        }
    }

    @SuppressWarnings("unchecked")
    private static Supplier<UUID> ids(Object bean) {
        return (Supplier<UUID>) bean;
    }
}
