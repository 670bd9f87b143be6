package io.wecomrelay.benchmarks.sse;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.wecomrelay.llm.dify.StreamLimitException;
import org.jspecify.annotations.Nullable;

/**
 * The baseline of {@link SseBenchmark}: the llm-worker's {@code SseDecoder} as it was before issue 22 (commit
 * {@code fa76354}), copied unchanged but for its names. Each line is collected, decoded whole, cut with
 * {@code substring} and appended to a builder. Not used by any service.
 */
final class LegacySseDecoder {

    private final int maxLineBytes;
    private final int maxEventBytes;
    /** The line so far: {@link #lineSize} bytes; runs of bytes are copied at once (a synchronized stream written byte by byte was the worker's largest leaf in its profile). */
    private byte[] line = new byte[256];
    private int lineSize;
    private final StringBuilder data = new StringBuilder();
    /** UTF-8 bytes of {@link #data}. */
    private long dataBytes;
    private boolean hasData;
    private @Nullable String event;
    private boolean lastWasCr;

    /**
     * @param maxLineBytes  the longest line read, its line end not counted
     * @param maxEventBytes the largest event read: its data values and the newlines joining them
     */
    LegacySseDecoder(int maxLineBytes, int maxEventBytes) {
        if (maxLineBytes < 1 || maxEventBytes < 1) {
            throw new IllegalArgumentException("bounds must be positive");
        }
        this.maxLineBytes = maxLineBytes;
        this.maxEventBytes = maxEventBytes;
    }

    /** Feeds the next bytes; returns the events they complete, in order. */
    List<LegacySseFrame> feed(byte[] bytes) {
        var frames = new ArrayList<LegacySseFrame>(2);
        int i = 0;
        while (i < bytes.length) {
            byte b = bytes[i];
            if (b == '\n' || b == '\r') {
                if (!(b == '\n' && lastWasCr)) {
                    endLine(frames);
                }
                lastWasCr = b == '\r';
                i++;
                continue;
            }
            lastWasCr = false;
            int end = i + 1;
            while (end < bytes.length && bytes[end] != '\n' && bytes[end] != '\r') {
                end++;
            }
            append(bytes, i, end - i);
            i = end;
        }
        return frames;
    }

    /** Adds a run of the line's bytes; fails when the line would pass {@code maxLineBytes}. */
    private void append(byte[] bytes, int from, int length) {
        if (length > maxLineBytes - lineSize) {
            lineSize = 0;
            throw new StreamLimitException(StreamLimitException.Limit.LINE, maxLineBytes);
        }
        if (lineSize + length > line.length) {
            line = Arrays.copyOf(line, Math.min(maxLineBytes, Math.max(lineSize + length, line.length * 2)));
        }
        System.arraycopy(bytes, from, line, lineSize, length);
        lineSize += length;
    }

    /** The event still being built when the stream ends without a blank line, if any. */
    List<LegacySseFrame> finish() {
        var frames = new ArrayList<LegacySseFrame>(1);
        if (lineSize > 0) {
            endLine(frames);
        }
        dispatch(frames);
        return frames;
    }

    private void endLine(List<LegacySseFrame> frames) {
        if (lineSize == 0) {
            dispatch(frames);
            return;
        }
        int lineBytes = lineSize;
        String text = new String(line, 0, lineSize, StandardCharsets.UTF_8);
        lineSize = 0;
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
            // the field name, colon and space are ASCII: the value's bytes are the rest of the line
            long valueBytes = lineBytes - (text.length() - value.length());
            long joined = dataBytes + valueBytes + (hasData ? 1 : 0);
            if (joined > maxEventBytes) {
                clearEvent();
                throw new StreamLimitException(StreamLimitException.Limit.EVENT, maxEventBytes);
            }
            if (hasData) {
                data.append('\n');
            }
            data.append(value);
            dataBytes = joined;
            hasData = true;
        } else if (field.equals("event")) {
            event = value;
        }
        // id and retry carry nothing Dify uses
    }

    private void dispatch(List<LegacySseFrame> frames) {
        if (hasData || event != null) {
            frames.add(new LegacySseFrame(event, hasData ? data.toString() : null));
        }
        clearEvent();
    }

    private void clearEvent() {
        data.setLength(0);
        dataBytes = 0;
        hasData = false;
        event = null;
    }
}
