package io.wecomrelay.support.tracing;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

import io.wecomrelay.schemas.event.EventHeaders;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.jspecify.annotations.Nullable;

/**
 * The W3C trace context in Kafka record headers, as UTF-8 strings: {@code traceparent}
 * ({@code 00-<32 hex trace id>-<16 hex parent span id>-<2 hex flags>}). Replaces the home-made {@code trace-id}
 * header, which records written before it still carry and which is still read ({@link #traceIdOf}).
 */
public final class TraceHeaders {

    public static final String TRACEPARENT = "traceparent";
    public static final String TRACESTATE = "tracestate";
    /** The header older records carry instead: the trace id alone. Read, never written. */
    public static final String LEGACY_TRACE_ID = EventHeaders.TRACE_ID;

    private static final String INVALID_TRACE_ID = "0".repeat(32);

    private TraceHeaders() {
    }

    /** The record's traceparent, when it has a well-formed one. */
    public static @Nullable String traceparent(Headers headers) {
        String value = last(headers, TRACEPARENT);
        return value != null && isTraceparent(value) ? value : null;
    }

    /**
     * The trace id the record belongs to: its traceparent's, else an older record's {@code trace-id} when it is a
     * W3C trace id (32 lower-case hex digits, as the relay wrote them), else none.
     */
    public static @Nullable String traceIdOf(Headers headers) {
        String traceparent = traceparent(headers);
        if (traceparent != null) {
            return traceparent.substring(3, 35);
        }
        String legacy = last(headers, LEGACY_TRACE_ID);
        return legacy != null && isTraceId(legacy) ? legacy : null;
    }

    /** Replaces the record's trace context with {@code traceparent} (a tracestate of the old context goes too). */
    public static void put(Headers headers, String traceparent) {
        headers.remove(TRACEPARENT);
        headers.remove(TRACESTATE);
        headers.remove(LEGACY_TRACE_ID);
        headers.add(TRACEPARENT, traceparent.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Puts the trace context on a record a hop writes: {@code traceparent} (its span's), else one continuing the
     * event's {@code traceId} under an unnamed parent (not sampled), else nothing (an id from before W3C trace ids).
     */
    public static void carry(Headers headers, @Nullable String traceparent, @Nullable String traceId) {
        if (traceparent != null && isTraceparent(traceparent)) {
            put(headers, traceparent);
        } else if (traceId != null && isTraceId(traceId)) {
            put(headers, seeded(traceId, false));
        }
    }

    /**
     * A traceparent that continues {@code traceId} from a parent nobody recorded (a random span id), for what knows
     * only the trace id: an older record, or an event whose headers are gone (the responder's outbox).
     */
    public static String seeded(String traceId, boolean sampled) {
        return "00-" + traceId + "-" + String.format("%016x", ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE))
                + (sampled ? "-01" : "-00");
    }

    /** 32 lower-case hex digits, not all zero: what W3C accepts as a trace id. */
    public static boolean isTraceId(String value) {
        return value.length() == 32 && hex(value, 0, 32) && !value.equals(INVALID_TRACE_ID);
    }

    static boolean isTraceparent(String value) {
        return value.length() == 55 && value.startsWith("00-") && value.charAt(35) == '-' && value.charAt(52) == '-'
                && isTraceId(value.substring(3, 35)) && hex(value, 36, 52) && !value.startsWith("0000000000000000", 36)
                && hex(value, 53, 55);
    }

    private static boolean hex(String value, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = value.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    private static @Nullable String last(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
