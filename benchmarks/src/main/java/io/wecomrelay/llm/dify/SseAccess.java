package io.wecomrelay.llm.dify;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The benchmarks' way into the llm-worker's package-private SSE reading ({@link SseEvents},
 * {@link DifyEventParser}): this class is part of the benchmarks module, put in the worker's package so
 * that the worker need not make its internals public for a benchmark. One instance reads one response.
 */
public final class SseAccess {

    private final SseEvents events;

    public SseAccess(DifyClient.StreamLimits limits) {
        this.events = new SseEvents(limits);
    }

    /** What the worker makes of the next bytes of a response. */
    public List<DifyEvent> read(byte[] bytes) {
        return events.read(bytes);
    }

    /** What the worker makes of the end of a response. */
    public List<DifyEvent> finish() {
        return events.finish();
    }

    /** One frame's event, as the worker parses it. */
    public static DifyEvent parse(@Nullable String event, @Nullable String data) {
        return DifyEventParser.parse(new SseFrame(event, data));
    }
}
