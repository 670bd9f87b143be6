package io.wecomrelay.llm.dify;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Turns the bytes of a {@code text/event-stream} into events, whatever the network's chunking.
 * Lines are split on newline <em>bytes</em> and only complete lines are decoded as UTF-8, so a
 * multi-byte character cut between two network reads is never broken. Handles {@code \n},
 * {@code \r\n} and {@code \r} line ends, comments ({@code :...}), multi-line {@code data} and events
 * without data (Dify's {@code event: ping}). Not thread-safe: one instance per response.
 */
public final class SseDecoder {

    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
    private final StringBuilder data = new StringBuilder();
    private boolean hasData;
    private @Nullable String event;
    private boolean lastWasCr;

    /** Feeds the next bytes; returns the events they complete, in order. */
    public List<SseFrame> feed(byte[] bytes) {
        var frames = new ArrayList<SseFrame>(2);
        for (byte b : bytes) {
            if (b == '\n' && lastWasCr) {
                lastWasCr = false;
                continue;
            }
            lastWasCr = b == '\r';
            if (b == '\n' || b == '\r') {
                endLine(frames);
            } else {
                line.write(b);
            }
        }
        return frames;
    }

    /** The event still being built when the stream ends without a blank line, if any. */
    public List<SseFrame> finish() {
        var frames = new ArrayList<SseFrame>(1);
        if (line.size() > 0) {
            endLine(frames);
        }
        dispatch(frames);
        return frames;
    }

    private void endLine(List<SseFrame> frames) {
        if (line.size() == 0) {
            dispatch(frames);
            return;
        }
        String text = line.toString(StandardCharsets.UTF_8);
        line.reset();
        if (text.startsWith(":")) {
            return;
        }
        int colon = text.indexOf(':');
        String field = colon < 0 ? text : text.substring(0, colon);
        String value = colon < 0 ? "" : text.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        if (field.equals("data")) {
            if (hasData) {
                data.append('\n');
            }
            data.append(value);
            hasData = true;
        } else if (field.equals("event")) {
            event = value;
        }
        // id and retry carry nothing Dify uses
    }

    private void dispatch(List<SseFrame> frames) {
        if (hasData || event != null) {
            frames.add(new SseFrame(event, hasData ? data.toString() : null));
        }
        data.setLength(0);
        hasData = false;
        event = null;
    }
}
