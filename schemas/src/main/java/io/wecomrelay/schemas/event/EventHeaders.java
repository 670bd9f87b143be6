package io.wecomrelay.schemas.event;

/** Kafka record headers every service reads and writes. Values are UTF-8 strings. */
public final class EventHeaders {

    /**
     * The trace id of the user message, as records written before the W3C {@code traceparent} header carry it (32 hex
     * digits). No service writes it any more; they still read it (service-support's {@code TraceHeaders}) to continue
     * an older record's trace.
     */
    public static final String TRACE_ID = "trace-id";

    /** The event's {@code type}, so tools can filter without parsing the value. */
    public static final String EVENT_TYPE = "event-type";

    private EventHeaders() {
    }
}
