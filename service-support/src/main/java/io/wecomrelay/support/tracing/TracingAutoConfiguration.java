package io.wecomrelay.support.tracing;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Every service's {@link RelayTracing} (on the tracer Boot configures: OpenTelemetry, W3C propagation) and
 * {@link HopLatency}.
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
        double probability = environment.getProperty(TracingDefaults.PROBABILITY, Double.class, 0.0);
        return new RelayTracing(tracer.getIfAvailable(() -> Tracer.NOOP), propagator.getIfAvailable(() -> Propagator.NOOP),
                probability > 0);
    }

    @Bean
    @ConditionalOnMissingBean
    HopLatency hopLatency(MeterRegistry meters) {
        return new HopLatency(meters);
    }
}
