package io.wecomrelay.llm.dify;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Turns the bytes of a {@code text/event-stream} into events, whatever the network's chunking.
 * Lines are split on newline <em>bytes</em> and only complete lines are decoded as UTF-8, so a
 * multi-byte character cut between two network reads is never broken. Handles {@code \n},
 * {@code \r\n} and {@code \r} line ends, comments ({@code :...}), multi-line {@code data} and events
 * without data (Dify's {@code event: ping}). Not thread-safe: one instance per response.
 * <p>
 * A line's field name is matched on its bytes and only its value is decoded, straight from the bytes
 * it arrived in: a line that came whole in one read is never copied before that, one cut by the end
 * of a read is collected first. The value of an event's only {@code data} line is the frame's data as
 * decoded; only further {@code data} lines are joined in a builder.
 * <p>
 * Memory is bounded: a line longer than {@code maxLineBytes} or an event whose data lines (joined
 * by newlines) exceed {@code maxEventBytes} throws {@link StreamLimitException} at the byte that
 * passes the bound, so neither a line without an end nor an event without a blank line is collected.
 */
final class SseDecoder {

    private static final byte[] DATA = {'d', 'a', 't', 'a'};
    private static final byte[] EVENT = {'e', 'v', 'e', 'n', 't'};
    private static final byte[] PING = {'p', 'i', 'n', 'g'};
    private static final int FIRST_LINE_BUFFER = 256;

    private final int maxLineBytes;
    private final int maxEventBytes;
    /** A line cut by the end of a read, so far: {@link #lineSize} bytes; runs of bytes are copied at once. */
    private byte[] line = new byte[0];
    private int lineSize;
    /** How many {@code data} lines the event has had. */
    private int dataLines;
    /** The value of the event's first {@code data} line. */
    private @Nullable String firstData;
    /** The event's data lines joined, once it has more than one. */
    private @Nullable StringBuilder joined;
    /** UTF-8 bytes of the event's data, its joining newlines counted. */
    private long dataBytes;
    private @Nullable String event;
    private boolean lastWasCr;

    /**
     * @param maxLineBytes  the longest line read, its line end not counted
     * @param maxEventBytes the largest event read: its data values and the newlines joining them
     */
    SseDecoder(int maxLineBytes, int maxEventBytes) {
        if (maxLineBytes < 1 || maxEventBytes < 1) {
            throw new IllegalArgumentException("bounds must be positive");
        }
        this.maxLineBytes = maxLineBytes;
        this.maxEventBytes = maxEventBytes;
    }

    /** Feeds the next bytes; returns the events they complete, in order. */
    List<SseFrame> feed(byte[] bytes) {
        var frames = new ArrayList<SseFrame>(2);
        int i = 0;
        while (i < bytes.length) {
            if (bytes[i] == '\n' && lastWasCr) {
                // the second byte of a CRLF
                lastWasCr = false;
                i++;
                continue;
            }
            int end = i;
            while (end < bytes.length && bytes[end] != '\n' && bytes[end] != '\r') {
                end++;
            }
            if (end == bytes.length) {
                append(bytes, i, end - i);
                lastWasCr = false;
                return frames;
            }
            if (lineSize == 0) {
                checkLine(end - i);
                endLine(bytes, i, end - i, frames);
            } else {
                append(bytes, i, end - i);
                endCollectedLine(frames);
            }
            lastWasCr = bytes[end] == '\r';
            i = end + 1;
        }
        return frames;
    }

    /** The event still being built when the stream ends without a blank line, if any. */
    List<SseFrame> finish() {
        var frames = new ArrayList<SseFrame>(1);
        if (lineSize > 0) {
            endCollectedLine(frames);
        }
        dispatch(frames);
        return frames;
    }

    /** Fails when {@code length} more bytes would make the line pass {@code maxLineBytes}. */
    private void checkLine(int length) {
        if (length > maxLineBytes - lineSize) {
            lineSize = 0;
            throw new StreamLimitException(StreamLimitException.Limit.LINE, maxLineBytes);
        }
    }

    /** Adds a run of a cut line's bytes. */
    private void append(byte[] bytes, int from, int length) {
        checkLine(length);
        if (lineSize + length > line.length) {
            int grown = Math.max(lineSize + length, Math.max(FIRST_LINE_BUFFER, line.length * 2));
            line = Arrays.copyOf(line, Math.min(maxLineBytes, grown));
        }
        System.arraycopy(bytes, from, line, lineSize, length);
        lineSize += length;
    }

    private void endCollectedLine(List<SseFrame> frames) {
        int length = lineSize;
        lineSize = 0;
        endLine(line, 0, length, frames);
    }

    /** One line, its end not included: {@code length} bytes of {@code bytes} from {@code from}. */
    private void endLine(byte[] bytes, int from, int length, List<SseFrame> frames) {
        if (length == 0) {
            dispatch(frames);
            return;
        }
        if (bytes[from] == ':') {
            return;
        }
        int end = from + length;
        int colon = from;
        while (colon < end && bytes[colon] != ':') {
            colon++;
        }
        int value = colon == end ? end : colon + 1;
        if (value < end && bytes[value] == ' ') {
            value++;
        }
        // ':' and ' ' are ASCII, never part of a multi-byte character: the value decodes as it did within its line
        if (equal(bytes, from, colon, DATA)) {
            data(bytes, value, end - value);
        } else if (equal(bytes, from, colon, EVENT)) {
            event = equal(bytes, value, end, PING) ? "ping" : new String(bytes, value, end - value, StandardCharsets.UTF_8);
        }
        // id and retry carry nothing Dify uses
    }

    private void data(byte[] bytes, int from, int length) {
        long joinedBytes = dataBytes + length + (dataLines > 0 ? 1 : 0);
        if (joinedBytes > maxEventBytes) {
            clearEvent();
            throw new StreamLimitException(StreamLimitException.Limit.EVENT, maxEventBytes);
        }
        String value = new String(bytes, from, length, StandardCharsets.UTF_8);
        if (dataLines == 0) {
            firstData = value;
        } else {
            if (joined == null) {
                joined = new StringBuilder();
            }
            if (dataLines == 1) {
                joined.append(firstData);
            }
            joined.append('\n').append(value);
        }
        dataLines++;
        dataBytes = joinedBytes;
    }

    private static boolean equal(byte[] bytes, int from, int to, byte[] ascii) {
        return Arrays.equals(bytes, from, to, ascii, 0, ascii.length);
    }

    private void dispatch(List<SseFrame> frames) {
        if (dataLines > 0 || event != null) {
            String data = switch (dataLines) {
                case 0 -> null;
                case 1 -> firstData;
                default -> joined.toString();
            };
            frames.add(new SseFrame(event, data));
        }
        clearEvent();
    }

    private void clearEvent() {
        dataLines = 0;
        firstData = null;
        if (joined != null) {
            joined.setLength(0);
        }
        dataBytes = 0;
        event = null;
    }
}
