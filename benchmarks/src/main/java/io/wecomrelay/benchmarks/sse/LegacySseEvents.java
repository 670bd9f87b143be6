package io.wecomrelay.benchmarks.sse;

import java.util.ArrayList;
import java.util.List;

import io.wecomrelay.llm.dify.DifyClient;
import io.wecomrelay.llm.dify.DifyEvent;
import io.wecomrelay.llm.dify.StreamLimitException;

/**
 * The baseline of {@link SseBenchmark}: the llm-worker's {@code SseEvents} (bytes to events) over
 * {@link LegacySseDecoder} and {@link LegacyDifyEventParser}, copied from commit {@code fa76354} but for its names.
 */
final class LegacySseEvents {

    /** Stands for bytes that did not complete an event. */
    private static final List<DifyEvent> BYTES_ONLY = List.of(new DifyEvent.Ping());

    private final LegacySseDecoder decoder;
    private boolean over;

    LegacySseEvents(DifyClient.StreamLimits limits) {
        this.decoder = new LegacySseDecoder(limits.maxLineBytes(), limits.maxEventBytes());
    }

    List<DifyEvent> read(byte[] bytes) {
        if (over) {
            return List.of();
        }
        try {
            var frames = decoder.feed(bytes);
            return frames.isEmpty() ? BYTES_ONLY : parse(frames);
        } catch (StreamLimitException e) {
            return oversized(e);
        }
    }

    /** The event still being built when the body ends without a blank line, if any. */
    List<DifyEvent> finish() {
        if (over) {
            return List.of();
        }
        try {
            return parse(decoder.finish());
        } catch (StreamLimitException e) {
            return oversized(e);
        }
    }

    private List<DifyEvent> oversized(StreamLimitException e) {
        over = true;
        return List.of(new DifyEvent.Oversized(e.limit(), e.maxBytes()));
    }

    private static List<DifyEvent> parse(List<LegacySseFrame> frames) {
        var events = new ArrayList<DifyEvent>(frames.size());
        frames.forEach(frame -> events.add(LegacyDifyEventParser.parse(frame)));
        return events;
    }
}
