package io.wecomrelay.schemas.event;

import java.util.List;

/**
 * The text one attempt's chunks make, fed in {@code seq} order: a {@link ChunkKind#REPLACE} chunk starts it over, an
 * {@link ChunkKind#APPEND} chunk appends to it.
 * <p>
 * The authority on a reply's text is the responder's fold ({@code fold-chunk.lua} in service-support), which also
 * passes over stale attempts and redelivered chunks and caps the text; this is its Java twin for the text alone, so
 * that the code that rebuilds an answer from its chunks outside Redis (the llm-worker's last chunk, relay-cli's
 * transcript, tests) keeps one copy of the rule. Picking the attempt and the chunks is the caller's. Not thread-safe.
 */
public final class ReplyText {

    private final StringBuilder text = new StringBuilder();

    /** The text of {@code chunks}, one attempt's in {@code seq} order. */
    public static String fold(List<ReplyChunk> chunks) {
        var text = new ReplyText();
        chunks.forEach(text::apply);
        return text.toString();
    }

    public ReplyText apply(ReplyChunk chunk) {
        return apply(chunk.kind(), chunk.text());
    }

    public ReplyText apply(ChunkKind kind, String piece) {
        if (kind == ChunkKind.REPLACE) {
            text.setLength(0);
        }
        text.append(piece);
        return this;
    }

    /** The text so far. */
    @Override
    public String toString() {
        return text.toString();
    }
}
