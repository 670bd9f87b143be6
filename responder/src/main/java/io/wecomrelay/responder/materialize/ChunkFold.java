package io.wecomrelay.responder.materialize;

import java.util.Objects;

import io.wecomrelay.schemas.event.ReplyChunk;
import io.wecomrelay.schemas.event.ReplyRecorded;
import org.jspecify.annotations.Nullable;

/**
 * One chunk to fold in a batch ({@link StreamStateWriter#foldAll}).
 *
 * @param ticket where the reply is queued when this chunk finishes its stream (a last chunk of a bot that
 *               delivers actively); null to fold only
 * @param reply  the draft of the stream's reply record, kept when this chunk finishes the stream
 *               ({@link ReplyRecords#draft(ReplyChunk)}); null on a chunk that is not last
 * @param continues the bot can send what does not fit its stream in later messages
 *                  ({@link DeliveryQueue#continues}): the stream shows the first part with the continued note;
 *                  otherwise the answer is cut there with the truncation note
 */
public record ChunkFold(ReplyChunk chunk, @Nullable DeliveryTicket ticket, @Nullable ReplyRecorded reply,
                        boolean continues) {

    public ChunkFold {
        Objects.requireNonNull(chunk, "chunk");
    }

    /** A chunk of a bot that can continue its answer exactly when it delivers actively: for tests. */
    public ChunkFold(ReplyChunk chunk, @Nullable DeliveryTicket ticket, @Nullable ReplyRecorded reply) {
        this(chunk, ticket, reply, ticket != null);
    }

    /** A chunk folded without a reply record: for tests of the fold itself. */
    public ChunkFold(ReplyChunk chunk, @Nullable DeliveryTicket ticket) {
        this(chunk, ticket, null);
    }
}
