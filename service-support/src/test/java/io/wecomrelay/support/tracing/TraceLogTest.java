package io.wecomrelay.support.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.LoggingEvent;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/** The trace ids of log lines written outside their span's scope, and how lines with and without a trace look. */
class TraceLogTest {

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String TRACEPARENT = "00-" + TRACE_ID + "-00f067aa0ba902b7-01";

    @Test
    void aTraceparentsIdsAreTheLogContextUntilClosed() {
        try (var trace = TraceLog.of(TRACEPARENT)) {
            assertThat(MDC.get("traceId")).isEqualTo(TRACE_ID);
            assertThat(MDC.get("spanId")).isEqualTo("00f067aa0ba902b7");
        }
        assertThat(MDC.get("traceId")).isNull();
        assertThat(MDC.get("spanId")).isNull();
    }

    @Test
    void aTraceIdAloneIsTheLogContextWithoutASpanId() {
        try (var trace = TraceLog.ofTraceId(TRACE_ID); var odd = TraceLog.ofTraceId("trace-1")) {
            assertThat(MDC.get("traceId")).isEqualTo(TRACE_ID);
            assertThat(MDC.get("spanId")).isNull();
        }
        assertThat(MDC.get("traceId")).isNull();
        try (var odd = TraceLog.ofTraceId("trace-1")) {
            assertThat(MDC.get("traceId")).isNull();
        }
    }

    @Test
    void aTraceIdAloneLeavesASpanIdItDidNotSet() {
        MDC.put("spanId", "00f067aa0ba902b7");
        try (var trace = TraceLog.ofTraceId(TRACE_ID)) {
            assertThat(MDC.get("traceId")).isEqualTo(TRACE_ID);
        }
        assertThat(MDC.get("traceId")).isNull();
        assertThat(MDC.get("spanId")).isEqualTo("00f067aa0ba902b7");
        MDC.clear();
    }

    @Test
    void aSpanAlreadyInScopeKeepsItsIdsAndNothingOrGarbageChangesNothing() {
        MDC.put("traceId", "ffffffffffffffffffffffffffffffff");
        try (var trace = TraceLog.of(TRACEPARENT)) {
            assertThat(MDC.get("traceId")).isEqualTo("ffffffffffffffffffffffffffffffff");
        }
        assertThat(MDC.get("traceId")).as("not the helper's to remove").isEqualTo("ffffffffffffffffffffffffffffffff");
        MDC.clear();
        try (var none = TraceLog.of(null); var garbage = TraceLog.of("00-xyz")) {
            assertThat(MDC.getCopyOfContextMap()).isNullOrEmpty();
        }
    }

    @Test
    void linesWithATraceShowItsIdsInBracketsAndLinesWithoutOneShowNothing() {
        var environment = new StandardEnvironment();
        new TracingDefaults().postProcessEnvironment(environment, new SpringApplication());
        String correlation = environment.getProperty(TracingDefaults.CORRELATION);
        assertThat(correlation).isEqualTo(TracingDefaults.CORRELATION_PATTERN);

        assertThat(format(correlation + "%m", Map.of("traceId", TRACE_ID, "spanId", "00f067aa0ba902b7")))
                .isEqualTo("[" + TRACE_ID + "-00f067aa0ba902b7] hello");
        assertThat(format(correlation + "%m", Map.of())).isEqualTo("hello");
    }

    @Test
    void aCorrelationPatternOfTheOperatorsIsKept() {
        var environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("test", Map.of(TracingDefaults.CORRELATION, "%X{traceId} ")));
        new TracingDefaults().postProcessEnvironment(environment, new SpringApplication());
        assertThat(environment.getProperty(TracingDefaults.CORRELATION)).isEqualTo("%X{traceId} ");
    }

    private static String format(String pattern, Map<String, String> mdc) {
        var context = new LoggerContext();
        var layout = new PatternLayout();
        layout.setContext(context);
        layout.setPattern(pattern);
        layout.start();
        Logger logger = context.getLogger("test");
        var event = new LoggingEvent(TraceLogTest.class.getName(), logger, Level.INFO, "hello", null, null);
        event.setMDCPropertyMap(mdc);
        return layout.doLayout(event);
    }
}
