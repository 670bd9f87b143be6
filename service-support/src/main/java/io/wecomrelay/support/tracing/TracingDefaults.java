package io.wecomrelay.support.tracing;

import java.util.HashMap;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.StringUtils;

/**
 * Samples every trace when spans are exported (an OTLP endpoint is set) and none otherwise, unless
 * {@code management.tracing.sampling.probability} says otherwise. Boot's own default (0.1) would record a tenth of
 * the messages' spans for nobody when nothing exports them, and drop nine tenths when something does.
 * <p>
 * Log lines show {@code [traceId-spanId] } only when they have a trace ({@link #CORRELATION_PATTERN}, unless
 * {@code logging.pattern.correlation} is set): Boot's own {@code %correlationId} pads a line without one to the
 * ids' width, a 51-character blank column on every startup, consumer and scheduler line.
 */
public final class TracingDefaults implements EnvironmentPostProcessor {

    static final String PROBABILITY = "management.tracing.sampling.probability";
    static final String ENDPOINT = "management.opentelemetry.tracing.export.otlp.endpoint";
    static final String CORRELATION = "logging.pattern.correlation";
    /** Logback: the bracket and its ids, dropped whole when both ids are empty (the output is then {@code "[-] "}). */
    static final String CORRELATION_PATTERN = "%replace([%X{traceId}-%X{spanId}] ){'^\\[-\\] $', ''}";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        var defaults = new HashMap<String, Object>();
        if (!environment.containsProperty(PROBABILITY)) {
            defaults.put(PROBABILITY, StringUtils.hasText(environment.getProperty(ENDPOINT)) ? "1.0" : "0.0");
        }
        if (!environment.containsProperty(CORRELATION)) {
            defaults.put(CORRELATION, CORRELATION_PATTERN);
        }
        if (!defaults.isEmpty()) {
            environment.getPropertySources().addLast(new MapPropertySource("relayTracingDefaults", defaults));
        }
    }
}
