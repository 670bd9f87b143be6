package io.wecomrelay.responder.materialize;

import java.util.List;

import io.wecomrelay.schemas.event.MessageRejected;
import io.wecomrelay.schemas.event.ReplyChunk;

/**
 * The reply state WeCom's refreshes read. All operations are atomic and idempotent; a finished
 * stream never changes again, so {@link FoldStatus#FINISHED} is returned at most once per lifetime of the
 * stream hash (active delivery is queued at most once per stream anyway, see {@link DeliveryTicket}).
 * <p>
 * Fold rules for a chunk of attempt {@code a} with sequence number {@code s}:
 * <ul>
 * <li>an older attempt than the stored one, or {@code s} not above the stored sequence of the same
 *     attempt, changes nothing;</li>
 * <li>a newer attempt starts over: its text replaces whatever older attempts wrote;</li>
 * <li>{@code APPEND} appends, {@code REPLACE} replaces the attempt's text;</li>
 * <li>{@code last} sets {@code finish} to 1, with the error code and image URLs if any;</li>
 * <li>content is capped at WeCom's 20,480 bytes with a note (see {@code ContentCap}); once cut,
 *     later appends of the same attempt are dropped, a {@code REPLACE} starts again;</li>
 * <li>a gap (a sequence number skipped within an attempt) is folded anyway and reported: chunks of a
 *     stream share one partition, so a missing chunk cannot arrive later, and holding the stream
 *     would leave it unfinished forever.</li>
 * </ul>
 */
public interface StreamStateWriter {

    FoldResult fold(ReplyChunk chunk);

    /**
     * As {@link #fold(ReplyChunk)}; when this chunk finishes the stream, the same atomic step appends the
     * delivery job to the ticket's outbox (once per stream, see {@link DeliveryTicket}).
     */
    FoldResult foldAndQueue(ReplyChunk chunk, DeliveryTicket ticket);

    /**
     * Folds many chunks at once, each as {@link #fold} or, with a ticket, {@link #foldAndQueue}, and returns
     * only when every fold is done or failed. Folds of one conversation (all its streams) are applied one
     * after another in list order, so its replies are finished and queued in that order; when one fails, the
     * conversation's later folds are not tried ({@link FoldOutcome.NotTried}). Folds of different
     * conversations run concurrently.
     *
     * @return one outcome per fold, in the order of {@code folds}
     */
    List<FoldOutcome> foldAll(List<ChunkFold> folds);

    /**
     * Finishes the stream with {@code text} unless it already has chunks or is finished.
     *
     * @param text the user-facing text, already within the content limit
     */
    FoldResult reject(MessageRejected rejection, String text);

    /** As {@link #reject(MessageRejected, String)}, queueing the delivery job like {@link #foldAndQueue}. */
    FoldResult rejectAndQueue(MessageRejected rejection, String text, DeliveryTicket ticket);
}
