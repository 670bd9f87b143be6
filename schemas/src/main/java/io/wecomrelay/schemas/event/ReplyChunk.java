package io.wecomrelay.schemas.event;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * One numbered piece of an answer. Topic {@code wecom.chunks}, keyed by conversation key, so a conversation's
 * replies stay in order on one partition (older records are keyed by stream id; the key is never read).
 * <p>
 * Within one {@code attempt}, {@code seq} starts at 0 and has no gaps; exactly one chunk of a
 * finished attempt has {@code last == true}. A higher attempt (a worker redoing the request after a
 * crash) replaces whatever lower attempts produced. {@code text} may be empty, never null.
 *
 * @param error    set on a last chunk when the answer failed; its user message is already in {@code text}
 * @param usage    set on the last chunk when the LLM reported it
 * @param images   image URLs the answer references (Dify message_file), which ingress appends as Markdown images to the
 *                 final frame; a worker that decides the answer's images ({@code attachedImages}) leaves it empty
 * @param receivedAt when ingress accepted the message (copied from {@link MessageAccepted#receivedAt()}), so the
 *                 responder can tell a reply nobody can receive any more; null on chunks written before it existed
 *                 (then {@link #messageReceivedAt()} is the chunk's own event time)
 * @param attachedImages on a last chunk: the answer's images, fetched and checked by the worker, to send after the text
 *                 (the stream's final frame; image messages of webhook bots, self-built apps and long-connection
 *                 bots); their bytes wait in Redis, not in the record.
 *                 Empty on other chunks and on chunks written before it existed
 * @param policyVersion the policy version of the bot settings the worker answered under ({@code BotConfig#policyVersion()},
 *                 resolved once per attempt; {@code none} when its bots file did not know the bot); null on chunks
 *                 written before it existed
 */
public record ReplyChunk(EventMeta meta, String botId, String streamId, String conversationKey, String msgId,
                         int attempt, long seq, ChunkKind kind, String text, boolean last,
                         @Nullable ChunkError error, @Nullable Usage usage, List<String> images,
                         ReplyRoute route, @Nullable Instant receivedAt, List<ReplyImage> attachedImages,
                         @Nullable String policyVersion)
        implements RelayEvent {

    public static final String TYPE = "reply-chunk.v1";

    public ReplyChunk {
        Objects.requireNonNull(meta, "meta");
        Objects.requireNonNull(botId, "botId");
        Objects.requireNonNull(streamId, "streamId");
        Objects.requireNonNull(conversationKey, "conversationKey");
        Objects.requireNonNull(msgId, "msgId");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(route, "route");
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt starts at 1: " + attempt);
        }
        if (seq < 0) {
            throw new IllegalArgumentException("seq must not be negative: " + seq);
        }
        images = images == null ? List.of() : List.copyOf(images);
        attachedImages = attachedImages == null ? List.of() : List.copyOf(attachedImages);
    }

    /** A chunk without the policy version (tools and tests that build events directly). */
    public ReplyChunk(EventMeta meta, String botId, String streamId, String conversationKey, String msgId, int attempt,
                      long seq, ChunkKind kind, String text, boolean last, @Nullable ChunkError error,
                      @Nullable Usage usage, List<String> images, ReplyRoute route, @Nullable Instant receivedAt,
                      List<ReplyImage> attachedImages) {
        this(meta, botId, streamId, conversationKey, msgId, attempt, seq, kind, text, last, error, usage, images, route,
                receivedAt, attachedImages, null);
    }

    /** A chunk without attached images and the policy version. */
    public ReplyChunk(EventMeta meta, String botId, String streamId, String conversationKey, String msgId, int attempt,
                      long seq, ChunkKind kind, String text, boolean last, @Nullable ChunkError error,
                      @Nullable Usage usage, List<String> images, ReplyRoute route, @Nullable Instant receivedAt) {
        this(meta, botId, streamId, conversationKey, msgId, attempt, seq, kind, text, last, error, usage, images, route,
                receivedAt, List.of());
    }

    /**
     * A copy that replaces the attempt's text with {@code wholeText}: the last chunk of an attempt whose earlier chunks
     * never reached {@code wecom.chunks} (the llm-worker folded them into the stream itself), or a preview after one
     * that could not be folded.
     */
    public ReplyChunk replacing(String wholeText) {
        return withImages(ChunkKind.REPLACE, wholeText, images, attachedImages);
    }

    /** A copy with this kind, text and these images: the last chunk once its images are fetched. */
    public ReplyChunk withImages(ChunkKind newKind, String newText, List<String> newImages, List<ReplyImage> attached) {
        return new ReplyChunk(meta, botId, streamId, conversationKey, msgId, attempt, seq, newKind, newText, last, error,
                usage, newImages, route, receivedAt, attached, policyVersion);
    }

    // The answer's text and image URLs stay out of logs that print the record.
    @Override
    public String toString() {
        return "ReplyChunk[meta=" + meta + ", botId=" + botId + ", streamId=" + streamId + ", conversationKey="
                + conversationKey + ", msgId=" + msgId + ", attempt=" + attempt + ", seq=" + seq + ", kind=" + kind
                + ", text=<" + text.length() + " chars>, last=" + last + ", error=" + error + ", usage=" + usage
                + ", images=" + images.size() + ", route=" + route + ", receivedAt=" + receivedAt + ", attachedImages="
                + attachedImages.size() + ", policyVersion=" + policyVersion + "]";
    }

    @Override
    public Instant messageReceivedAt() {
        return receivedAt != null ? receivedAt : meta.occurredAt();
    }

    /** True when the answer ended with an error. */
    public boolean failed() {
        return error != null;
    }
}
