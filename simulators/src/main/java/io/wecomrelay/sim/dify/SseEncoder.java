package io.wecomrelay.sim.dify;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Dify's SSE wire format: {@code data: <json>\n\n} per event and a bare {@code event: ping\n\n}
 * keep-alive. JSON is compact with raw UTF-8 (Dify uses orjson, which never writes {@code \\uXXXX}
 * for non-ASCII); Jackson's default of not escaping non-ASCII gives the same bytes.
 */
final class SseEncoder {

    static final byte[] PING = "event: ping\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA_PREFIX = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVENT_END = "\n\n".getBytes(StandardCharsets.US_ASCII);
    /** Plain cut spacing between the forced cuts; odd so pieces drift across character boundaries. */
    private static final int PIECE = 7;

    private final JsonMapper json;

    SseEncoder(JsonMapper json) {
        this.json = json;
    }

    byte[] data(JsonNode event) {
        var body = json.writeValueAsBytes(event);
        var frame = new byte[DATA_PREFIX.length + body.length + EVENT_END.length];
        System.arraycopy(DATA_PREFIX, 0, frame, 0, DATA_PREFIX.length);
        System.arraycopy(body, 0, frame, DATA_PREFIX.length, body.length);
        System.arraycopy(EVENT_END, 0, frame, DATA_PREFIX.length + body.length, EVENT_END.length);
        return frame;
    }

    /**
     * The start of a frame that is never finished: {@code data: } and the event's JSON without its
     * last {@code cut} bytes, and no line end. Whatever is sent next continues the cut JSON.
     */
    byte[] unfinished(JsonNode event, int cut) {
        var body = json.writeValueAsBytes(event);
        var frame = new byte[DATA_PREFIX.length + body.length - cut];
        System.arraycopy(DATA_PREFIX, 0, frame, 0, DATA_PREFIX.length);
        System.arraycopy(body, 0, frame, DATA_PREFIX.length, body.length - cut);
        return frame;
    }

    /**
     * Cuts a frame into pieces so that every multi-byte UTF-8 character is split after its first
     * byte, with extra cuts every {@value #PIECE} bytes in between. Written and flushed one by one,
     * each piece leaves the server as its own chunk, the way a proxy or a slow network delivers
     * Dify's raw UTF-8.
     */
    static List<byte[]> splitAcrossCharacters(byte[] frame) {
        var pieces = new ArrayList<byte[]>();
        int start = 0;
        for (int i = 0; i < frame.length; i++) {
            boolean leadOfMultiByte = (frame[i] & 0xC0) == 0xC0;
            if (leadOfMultiByte || i + 1 - start >= PIECE) {
                pieces.add(Arrays.copyOfRange(frame, start, i + 1));
                start = i + 1;
            }
        }
        if (start < frame.length) {
            pieces.add(Arrays.copyOfRange(frame, start, frame.length));
        }
        return pieces;
    }
}
