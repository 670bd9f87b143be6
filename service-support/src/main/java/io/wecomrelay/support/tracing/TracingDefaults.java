package io.wecomrelay.support.tracing;

import java.util.HashMap;
import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.StringUtils;

/**
 * Defaults of the services' tracing (and of the meters their observations make), each applied only when the setting
 * is not given:
 * <ul>
 * <li>{@code management.tracing.sampling.probability}: every trace when spans are exported (an OTLP endpoint is set)
 *     and none otherwise. Boot's own default (0.1) would record a tenth of the messages' spans for nobody when nothing
 *     exports them, and drop nine tenths when something does.</li>
 * <li>{@code management.tracing.propagation.consume}: W3C only (traceparent, and baggage), what every hop of the relay
 *     writes. Boot's default also tries B3 and B3 multi-header on every callback and record, which nothing in front
 *     of or inside the relay sends: a few percent of ingress's CPU per callback (BENCHMARKS.md, "CPU per message").
 *     A proxy that sends only B3 needs {@code MANAGEMENT_TRACING_PROPAGATION_CONSUME=W3C,B3,B3_MULTI}.</li>
 * <li>{@code management.tracing.exemplars.include}: {@code none} when nothing is sampled (the probability is 0). Boot's
 *     {@code sampled-traces} never finds a sampled span then, but Prometheus's exemplar sampler still asks on every
 *     timer and counter update that finds no exemplar and schedules a task 90 ms later to ask again: the
 *     {@code prometheus-metrics-scheduler} thread, 1.5-3 % of every service's CPU at 100 messages/s with no scrape
 *     running (BENCHMARKS.md, "CPU per message"). No dashboard reads exemplars.</li>
 * <li>{@code management.metrics.observations.ignored-meters}: {@code long-task-timer}. Every observation (each HTTP
 *     request, on ingress every callback) otherwise also registers and runs a {@code <name>.active} long task timer,
 *     one more meter lookup by tags per request, that no dashboard or alert reads; the {@code http.server.requests}
 *     timer (the dashboard's 5xx panel) stays.</li>
 * <li>{@code logging.pattern.correlation}: {@code [traceId-spanId] } only on lines that have a trace
 *     ({@link #CORRELATION_PATTERN}): Boot's own {@code %correlationId} pads a line without one to the ids' width, a
 *     51-character blank column on every startup, consumer and scheduler line.</li>
 * </ul>
 */
public final class TracingDefaults implements EnvironmentPostProcessor {

    static final String PROBABILITY = "management.tracing.sampling.probability";
    static final String ENDPOINT = "management.opentelemetry.tracing.export.otlp.endpoint";
    static final String CONSUME = "management.tracing.propagation.consume";
    /** Boot's setting of both directions at once; when given, it decides what is consumed. */
    static final String TYPE = "management.tracing.propagation.type";
    static final String EXEMPLARS = "management.tracing.exemplars.include";
    static final String IGNORED_METERS = "management.metrics.observations.ignored-meters";
    static final String CORRELATION = "logging.pattern.correlation";
    /** Logback: the bracket and its ids, dropped whole when both ids are empty (the output is then {@code "[-] "}). */
    static final String CORRELATION_PATTERN = "%replace([%X{traceId}-%X{spanId}] ){'^\\[-\\] $', ''}";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        var defaults = new HashMap<String, Object>();
        double probability;
        if (environment.containsProperty(PROBABILITY)) {
            probability = environment.getProperty(PROBABILITY, Double.class, 0.0);
        } else {
            probability = StringUtils.hasText(environment.getProperty(ENDPOINT)) ? 1.0 : 0.0;
            defaults.put(PROBABILITY, Double.toString(probability));
        }
        if (probability <= 0 && !environment.containsProperty(EXEMPLARS)) {
            defaults.put(EXEMPLARS, "none");
        }
        if (!environment.containsProperty(IGNORED_METERS)) {
            defaults.put(IGNORED_METERS, "long-task-timer");
        }
        if (!environment.containsProperty(CONSUME) && !environment.containsProperty(TYPE)) {
            defaults.put(CONSUME, "W3C");
        }
        if (!environment.containsProperty(CORRELATION)) {
            defaults.put(CORRELATION, CORRELATION_PATTERN);
        }
        if (!defaults.isEmpty()) {
            environment.getPropertySources().addLast(new MapPropertySource("relayTracingDefaults", Map.copyOf(defaults)));
        }
    }
}
