package io.wecomrelay.support.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.tracing.Span;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * The trace context a hop continues, on Boot's OpenTelemetry tracing as every service has it: a record's traceparent,
 * else an older record's trace-id, else a new trace; and no exporter unless an endpoint is configured.
 */
class RelayTracingTest {

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String PARENT = "00-" + TRACE_ID + "-00f067aa0ba902b7-01";

    private final ApplicationContextRunner contexts = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    org.springframework.boot.opentelemetry.autoconfigure.OpenTelemetrySdkAutoConfiguration.class,
                    org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration.class,
                    org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration.class,
                    org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.otlp.OtlpTracingAutoConfiguration.class,
                    TracingAutoConfiguration.class))
            .withBean(MeterRegistry.class, SimpleMeterRegistry::new);

    @Test
    void aRecordsTraceparentIsContinuedUnderANewSpanWhoseTraceparentReplacesIt() {
        contexts.run(context -> {
            RelayTracing tracing = context.getBean(RelayTracing.class);
            var headers = new RecordHeaders();
            headers.add(TraceHeaders.TRACEPARENT, PARENT.getBytes(StandardCharsets.UTF_8));

            Span span = tracing.startFrom("hop", Span.Kind.CONSUMER, headers, null);
            tracing.inject(span, headers);
            span.end();

            assertThat(span.context().traceId()).isEqualTo(TRACE_ID);
            assertThat(span.context().parentId()).isEqualTo("00f067aa0ba902b7");
            assertThat(TraceHeaders.traceparent(headers)).startsWith("00-" + TRACE_ID + "-" + span.context().spanId());
            assertThat(headers.headers(TraceHeaders.TRACEPARENT)).hasSize(1);
        });
    }

    @Test
    void anOlderRecordsTraceIdIsContinuedAndAnIdThatIsNoW3cTraceIdStartsANewTrace() {
        contexts.run(context -> {
            RelayTracing tracing = context.getBean(RelayTracing.class);
            var older = new RecordHeaders();
            older.add(TraceHeaders.LEGACY_TRACE_ID, TRACE_ID.getBytes(StandardCharsets.UTF_8));
            var odd = new RecordHeaders();
            odd.add(TraceHeaders.LEGACY_TRACE_ID, "trace-1".getBytes(StandardCharsets.UTF_8));

            Span continued = tracing.startFrom("hop", Span.Kind.CONSUMER, older, null);
            tracing.inject(continued, older);
            Span fresh = tracing.startFrom("hop", Span.Kind.CONSUMER, odd, "trace-1");

            assertThat(continued.context().traceId()).isEqualTo(TRACE_ID);
            assertThat(older.lastHeader(TraceHeaders.LEGACY_TRACE_ID)).as("not written again").isNull();
            assertThat(TraceHeaders.isTraceId(fresh.context().traceId())).isTrue();
            assertThat(fresh.context().traceId()).isNotEqualTo(TRACE_ID);
            assertThat(tracing.startFrom("hop", Span.Kind.CONSUMER, null, TRACE_ID, null).context().traceId())
                    .as("an event's trace id, when the headers are gone").isEqualTo(TRACE_ID);
        });
    }

    @Test
    void traceparentsThatAreNotW3cAreIgnored() {
        var headers = new RecordHeaders();
        headers.add(TraceHeaders.TRACEPARENT, "00-xyz".getBytes(StandardCharsets.UTF_8));
        assertThat(TraceHeaders.traceparent(headers)).isNull();
        assertThat(TraceHeaders.isTraceparent("00-" + "0".repeat(32) + "-00f067aa0ba902b7-01")).isFalse();
        assertThat(TraceHeaders.isTraceparent("00-" + TRACE_ID + "-0000000000000000-01")).isFalse();
        assertThat(TraceHeaders.isTraceparent(TraceHeaders.seeded(TRACE_ID, true))).isTrue();
    }

    @Test
    void nothingIsExportedOrSampledUnlessAnEndpointIsConfigured() {
        // (the probability TracingDefaults gives without an endpoint; a context runner runs no environment post-processor)
        contexts.withPropertyValues("management.tracing.sampling.probability=0.0").run(context -> {
            assertThat(context.getBeansOfType(SpanExporter.class)).isEmpty();
            Span span = context.getBean(RelayTracing.class).startRoot("hop", Span.Kind.SERVER);
            assertThat(span.context().sampled()).isFalse();
            assertThat(TraceHeaders.isTraceId(span.context().traceId())).as("ids all the same").isTrue();
        });
        contexts.withPropertyValues("management.opentelemetry.tracing.export.otlp.endpoint=http://127.0.0.1:4318/v1/traces",
                "management.tracing.sampling.probability=1.0").run(context -> {
                    assertThat(context.getBeansOfType(SpanExporter.class)).isNotEmpty();
                    Span span = context.getBean(RelayTracing.class).startRoot("hop", Span.Kind.SERVER);
                    assertThat(span.context().sampled()).isTrue();
                });
    }

    @Test
    void samplingDefaultsToAllWithAnEndpointAndToNoneWithout() {
        assertThat(probability(Map.of())).isEqualTo("0.0");
        assertThat(probability(Map.of(TracingDefaults.ENDPOINT, "http://collector:4318/v1/traces"))).isEqualTo("1.0");
        assertThat(probability(Map.of(TracingDefaults.ENDPOINT, "http://collector:4318/v1/traces",
                TracingDefaults.PROBABILITY, "0.25"))).isEqualTo("0.25");
    }

    @Test
    void onlyW3cIsConsumedByDefaultAndAnySettingOfItsOwnWins() {
        assertThat(defaulted(Map.of(), TracingDefaults.CONSUME)).isEqualTo("W3C");
        assertThat(defaulted(Map.of(TracingDefaults.CONSUME, "W3C,B3"), TracingDefaults.CONSUME)).isEqualTo("W3C,B3");
        assertThat(defaulted(Map.of(TracingDefaults.TYPE, "B3"), TracingDefaults.CONSUME)).isNull();
        assertThat(defaulted(Map.of(TracingDefaults.PROBABILITY, "0.5"), TracingDefaults.CONSUME)).isEqualTo("W3C");
    }

    @Test
    void exemplarsAreOffWhenNothingIsSampledAndAnySettingOfItsOwnWins() {
        assertThat(defaulted(Map.of(), TracingDefaults.EXEMPLARS)).isEqualTo("none");
        assertThat(defaulted(Map.of(TracingDefaults.PROBABILITY, "0"), TracingDefaults.EXEMPLARS)).isEqualTo("none");
        assertThat(defaulted(Map.of(TracingDefaults.PROBABILITY, "0.1"), TracingDefaults.EXEMPLARS)).as("Boot's").isNull();
        assertThat(defaulted(Map.of(TracingDefaults.ENDPOINT, "http://collector:4318/v1/traces"),
                TracingDefaults.EXEMPLARS)).as("Boot's").isNull();
        assertThat(defaulted(Map.of(TracingDefaults.EXEMPLARS, "sampled-traces"), TracingDefaults.EXEMPLARS))
                .isEqualTo("sampled-traces");
    }

    @Test
    void observationsKeepTheirTimerButNoLongTaskTimerUnlessSetOtherwise() {
        assertThat(defaulted(Map.of(), TracingDefaults.IGNORED_METERS)).isEqualTo("long-task-timer");
        assertThat(defaulted(Map.of(TracingDefaults.IGNORED_METERS, ""), TracingDefaults.IGNORED_METERS)).isEmpty();
    }

    @Test
    void withTheDefaultAB3HeaderIsNotContinuedAndATraceparentStillIs() {
        String b3 = TRACE_ID + "-00f067aa0ba902b7-1";
        // Boot's own default (W3C, B3, B3 multi) continues the B3 header: the setting is what makes the difference
        contexts.run(context -> assertThat(extractedTraceId(context, Map.of("b3", b3))).isEqualTo(TRACE_ID));
        contexts.withPropertyValues(TracingDefaults.CONSUME + "=W3C").run(context -> {
            assertThat(extractedTraceId(context, Map.of("b3", b3))).isNotEqualTo(TRACE_ID);
            assertThat(extractedTraceId(context, Map.of(TraceHeaders.TRACEPARENT, PARENT))).isEqualTo(TRACE_ID);
        });
    }

    private static String extractedTraceId(org.springframework.context.ApplicationContext context, Map<String, String> headers) {
        var propagator = context.getBean(io.micrometer.tracing.propagation.Propagator.class);
        Span span = propagator.extract(headers, Map::get).name("hop").start();
        try {
            return span.context().traceId();
        } finally {
            span.end();
        }
    }

    private static String probability(Map<String, Object> properties) {
        return defaulted(properties, TracingDefaults.PROBABILITY);
    }

    private static String defaulted(Map<String, Object> properties, String name) {
        var environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("test", properties));
        new TracingDefaults().postProcessEnvironment(environment, new SpringApplication());
        return environment.getProperty(name);
    }
}
