package io.wecomrelay.schemas.event;

/** How a chunk's text combines with the text before it in the same attempt. */
public enum ChunkKind {
    /** Append {@code text} to what the attempt has so far. */
    APPEND,
    /** Replace everything the attempt has so far with {@code text} (Dify's message_replace). */
    REPLACE
}
