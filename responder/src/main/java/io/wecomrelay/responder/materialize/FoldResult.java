package io.wecomrelay.responder.materialize;

import java.time.Instant;
import java.util.Objects;

import io.wecomrelay.schemas.event.ReplyRecorded;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of folding one event into a stream.
 *
 * @param gap          the chunk skipped sequence numbers of its attempt (folded anyway, see {@code StreamStateWriter})
 * @param truncated    the answer was cut (at the answer limit, or at the stream's when it cannot continue)
 * @param contentBytes size of the whole answer after the fold (0 when nothing changed)
 * @param created      when ingress acknowledged the message, if ingress recorded it
 * @param content      the whole final answer when {@code status} is {@link FoldStatus#FINISHED} (longer than the
 *                     stream's content when the answer continues), otherwise empty
 * @param queued       the fold finished the stream and queued its delivery job (only with a {@link DeliveryTicket})
 * @param reply        the stream's reply record to publish: on {@link FoldStatus#FINISHED} and {@link FoldStatus#FINAL}
 *                     while it is not marked published ({@link StreamStateWriter#markRecorded}), the same bytes each
 *                     time; otherwise null
 */
public record FoldResult(FoldStatus status, boolean gap, boolean truncated, int contentBytes,
                         @Nullable Instant created, String content, boolean queued, @Nullable ReplyRecorded reply) {

    public FoldResult {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(content, "content");
    }

    // the content is the reply itself; its size is contentBytes
    @Override
    public String toString() {
        return "FoldResult[status=" + status + ", gap=" + gap + ", truncated=" + truncated + ", contentBytes="
                + contentBytes + ", created=" + created + ", content=<" + content.length() + " chars>, queued=" + queued
                + ", reply=" + reply + "]";
    }

    public boolean finishedNow() {
        return status == FoldStatus.FINISHED;
    }
}
