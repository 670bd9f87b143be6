package io.wecomrelay.llm;

import java.util.List;

import io.wecomrelay.schemas.event.ChunkKind;
import io.wecomrelay.schemas.event.ReplyChunk;

/** The responder's fold of one attempt's chunks (APPEND appends, REPLACE replaces), without its 20,480-byte cap. */
public final class ChunkFolds {

    private ChunkFolds() {
    }

    public static String fold(List<ReplyChunk> chunks) {
        return fold("", chunks);
    }

    /** @param before the text the attempt already had */
    public static String fold(String before, List<ReplyChunk> chunks) {
        var text = new StringBuilder(before);
        for (ReplyChunk chunk : chunks) {
            if (chunk.kind() == ChunkKind.REPLACE) {
                text.setLength(0);
            }
            text.append(chunk.text());
        }
        return text.toString();
    }
}
