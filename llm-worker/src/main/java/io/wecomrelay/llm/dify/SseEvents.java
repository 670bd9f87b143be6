package io.wecomrelay.llm.dify;

import java.util.ArrayList;
import java.util.List;

/**
 * The events of one response's bytes: {@link SseDecoder} frames parsed by {@link DifyEventParser}.
 * Bytes that do not complete an event yet come out as a {@link DifyEvent.Ping}, so the idle watchdog
 * measures silence on the wire, not between events. When the decoder passes a bound, one
 * {@link DifyEvent.Oversized} comes out and every later byte is dropped unread: the caller stops the
 * task first and then disconnects (Dify documents that order), and until then nothing is buffered.
 * Not thread-safe: one instance per response.
 */
final class SseEvents {

    /** Stands for bytes that did not complete an event. */
    private static final List<DifyEvent> BYTES_ONLY = List.of(new DifyEvent.Ping());

    private final SseDecoder decoder;
    private boolean over;

    SseEvents(DifyClient.StreamLimits limits) {
        this.decoder = new SseDecoder(limits.maxLineBytes(), limits.maxEventBytes());
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

    private static List<DifyEvent> parse(List<SseFrame> frames) {
        var events = new ArrayList<DifyEvent>(frames.size());
        frames.forEach(frame -> events.add(DifyEventParser.parse(frame)));
        return events;
    }
}
