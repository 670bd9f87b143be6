package io.wecomrelay.responder.materialize;

import java.util.Objects;

import io.wecomrelay.schemas.event.ReplyChunk;
import org.jspecify.annotations.Nullable;

/**
 * One chunk to fold in a batch ({@link StreamStateWriter#foldAll}).
 *
 * @param ticket where the reply is queued when this chunk finishes its stream (a last chunk of a bot that
 *               delivers actively); null to fold only
 */
public record ChunkFold(ReplyChunk chunk, @Nullable DeliveryTicket ticket) {

    public ChunkFold {
        Objects.requireNonNull(chunk, "chunk");
    }
}
