package io.wecomrelay.responder;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.wecomrelay.schemas.event.ChatType;
import io.wecomrelay.schemas.event.ChunkError;
import io.wecomrelay.schemas.event.ChunkKind;
import io.wecomrelay.schemas.event.EventMeta;
import io.wecomrelay.schemas.event.ReplyChunk;
import io.wecomrelay.schemas.event.ReplyRoute;
import org.jspecify.annotations.Nullable;

/**
 * Reply chunks for one stream id of one conversation, with a chosen route, of a message received at
 * {@code receivedAt} (null: chunks written before chunks carried it, dated by their event time, which is then
 * {@code writtenAt}).
 */
public record TestChunks(String botId, String streamId, String conversationKey, ReplyRoute route,
                         @Nullable Instant receivedAt, @Nullable Instant writtenAt) {

    /** The only stream of a conversation of its own. */
    public TestChunks(String botId, String streamId, ReplyRoute route) {
        this(botId, streamId, conversationOf(botId, streamId), route, Instant.now(), null);
    }

    /** A stream in a conversation of its own. */
    public static TestChunks stream(String botId) {
        return new TestChunks(botId, "s-" + UUID.randomUUID(), new ReplyRoute(ChatType.SINGLE, null, "zhangsan", null));
    }

    /** The stream of the conversation's next message. */
    public TestChunks next() {
        return new TestChunks(botId, "s-" + UUID.randomUUID(), conversationKey, route, receivedAt, writtenAt);
    }

    public TestChunks withResponseUrl(String url) {
        return new TestChunks(botId, streamId, conversationKey, new ReplyRoute(ChatType.SINGLE, null, "zhangsan", url),
                receivedAt, writtenAt);
    }

    /** Chunks of a message received at {@code at}, written a little later. */
    public TestChunks receivedAt(Instant at) {
        return new TestChunks(botId, streamId, conversationKey, route, at, at.plusSeconds(5));
    }

    /** Chunks written at {@code at} by a worker from before chunks carried the receive time. */
    public TestChunks withoutReceiveTime(Instant at) {
        return new TestChunks(botId, streamId, conversationKey, route, null, at);
    }

    public ReplyChunk append(int attempt, long seq, String text) {
        return chunk(attempt, seq, ChunkKind.APPEND, text, false, null);
    }

    public ReplyChunk replace(int attempt, long seq, String text) {
        return chunk(attempt, seq, ChunkKind.REPLACE, text, false, null);
    }

    public ReplyChunk last(int attempt, long seq, String text) {
        return chunk(attempt, seq, ChunkKind.APPEND, text, true, null);
    }

    /** A last chunk that replaces the attempt's text (a worker taking a reasoning model's thinking out). */
    public ReplyChunk lastReplace(int attempt, long seq, String text) {
        return chunk(attempt, seq, ChunkKind.REPLACE, text, true, null);
    }

    public ReplyChunk failed(int attempt, long seq, String text, List<String> images) {
        return new ReplyChunk(meta(), botId, streamId, conversationKey, "msg-" + streamId, attempt, seq,
                ChunkKind.APPEND, text, true, new ChunkError("completion_request_error", text), null, images, route, receivedAt);
    }

    private ReplyChunk chunk(int attempt, long seq, ChunkKind kind, String text, boolean last, @Nullable ChunkError error) {
        return new ReplyChunk(meta(), botId, streamId, conversationKey, "msg-" + streamId, attempt, seq, kind, text,
                last, error, null, List.of(), route, receivedAt);
    }

    /** {@code text} in pieces of about {@code chars} characters, surrogate pairs kept whole, as a producer must. */
    public static List<String> pieces(String text, int chars) {
        List<String> pieces = new ArrayList<>();
        int start = 0;
        while (start < text.length()) {
            int end = Math.min(text.length(), start + chars);
            if (end < text.length() && Character.isLowSurrogate(text.charAt(end))) {
                end++;
            }
            pieces.add(text.substring(start, end));
            start = end;
        }
        return pieces;
    }

    // one conversation per stream unless made with next(): folds of one conversation wait for each other
    private static String conversationOf(String botId, String streamId) {
        return botId + ":u:zhangsan-" + streamId;
    }

    private EventMeta meta() {
        return new EventMeta(UUID.randomUUID(), traceIdOf(streamId), writtenAt != null ? writtenAt : Instant.now());
    }

    /** The W3C trace id of a stream's message, as ingress makes them. */
    public static String traceIdOf(String streamId) {
        return UUID.nameUUIDFromBytes(streamId.getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString().replace("-", "");
    }
}
