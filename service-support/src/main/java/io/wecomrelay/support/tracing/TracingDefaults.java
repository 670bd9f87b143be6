package io.wecomrelay.support.tracing;

import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.StringUtils;

/**
 * Samples every trace when spans are exported (an OTLP endpoint is set) and none otherwise, unless
 * {@code management.tracing.sampling.probability} says otherwise. Boot's own default (0.1) would record a tenth of
 * the messages' spans for nobody when nothing exports them, and drop nine tenths when something does.
 */
public final class TracingDefaults implements EnvironmentPostProcessor {

    static final String PROBABILITY = "management.tracing.sampling.probability";
    static final String ENDPOINT = "management.opentelemetry.tracing.export.otlp.endpoint";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (environment.containsProperty(PROBABILITY)) {
            return;
        }
        String probability = StringUtils.hasText(environment.getProperty(ENDPOINT)) ? "1.0" : "0.0";
        environment.getPropertySources().addLast(new MapPropertySource("relayTracingDefaults", Map.of(PROBABILITY, probability)));
    }
}
