package io.wecomrelay.support.tracing;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Every service's {@link RelayTracing} (on the tracer Boot configures: OpenTelemetry, W3C propagation) and
 * {@link HopLatency}; with nothing sampled, no spans for HTTP server requests ({@link UntracedServerRequests}).
 */
@AutoConfiguration(afterName = {
        "org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration",
        "org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryPropagationConfigurations",
        "org.springframework.boot.micrometer.tracing.autoconfigure.NoopTracerAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration"})
class TracingAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    RelayTracing relayTracing(ObjectProvider<Tracer> tracer, ObjectProvider<Propagator> propagator, Environment environment) {
        return new RelayTracing(tracer.getIfAvailable(() -> Tracer.NOOP), propagator.getIfAvailable(() -> Propagator.NOOP),
                sampled(environment));
    }

    @Bean
    @ConditionalOnMissingBean
    HopLatency hopLatency(MeterRegistry meters) {
        return new HopLatency(meters);
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.http.server.reactive.observation.ServerRequestObservationContext")
    @ConditionalOnBean(Tracer.class)
    @Conditional(NothingSampled.class)
    static class ServerRequestsConfiguration {

        @Bean
        @Order(Ordered.HIGHEST_PRECEDENCE)
        UntracedServerRequests untracedServerRequests(Tracer tracer) {
            return new UntracedServerRequests(tracer);
        }
    }

    static final class NothingSampled implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return !sampled(context.getEnvironment());
        }
    }

    private static boolean sampled(Environment environment) {
        return environment.getProperty(TracingDefaults.PROBABILITY, Double.class, 0.0) > 0;
    }
}
