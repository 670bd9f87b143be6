package io.wecomrelay.responder.materialize;

import java.util.Collection;
import java.util.List;

import io.wecomrelay.schemas.event.MessageRejected;
import io.wecomrelay.schemas.event.ReplyRecorded;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * The reply state WeCom's refreshes read. All operations are atomic and idempotent; a finished
 * stream never changes again, so {@link FoldStatus#FINISHED} is returned at most once per lifetime of the
 * stream hash (active delivery is queued at most once per stream anyway, see {@link DeliveryTicket}, and the reply
 * record is kept once per stream, see {@link ReplyRecords}).
 * <p>
 * Fold rules for a chunk of attempt {@code a} with sequence number {@code s}:
 * <ul>
 * <li>an older attempt than the stored one, or {@code s} not above the stored sequence of the same
 *     attempt, changes nothing;</li>
 * <li>a newer attempt starts over: its text replaces whatever older attempts wrote;</li>
 * <li>{@code APPEND} appends, {@code REPLACE} replaces the attempt's text;</li>
 * <li>{@code last} sets {@code finish} to 1, with the error code and image URLs if any;</li>
 * <li>the whole answer is kept up to a limit and cut there with a note (see {@code ContentCap}); once cut,
 *     later appends of the same attempt are dropped, a {@code REPLACE} starts again;</li>
 * <li>the content is at most WeCom's 20,480 bytes: an answer longer than that shows its first part with the
 *     continued note when the bot can send the rest ({@link ChunkFold#continues()}; see {@code Continuation}), and
 *     is cut there with the truncation note when it cannot;</li>
 * <li>a gap (a sequence number skipped within an attempt) is folded anyway and reported: chunks of a
 *     stream share one partition, so a missing chunk cannot arrive later, and holding the stream
 *     would leave it unfinished forever.</li>
 * </ul>
 */
public interface StreamStateWriter {

    /**
     * Folds one chunk as {@link #foldAll} does; when it finishes the stream, the same atomic step keeps the fold's
     * reply draft as the stream's reply record and, with a ticket, appends the delivery job to the ticket's outbox
     * (once per stream, see {@link DeliveryTicket}).
     */
    FoldResult fold(ChunkFold fold);

    /**
     * Folds many chunks at once, each as {@link #fold}, and returns only when every fold is done or failed. Folds of
     * one conversation (all its streams) are applied one after another in list order, so its replies are finished
     * and queued in that order; when one fails, the conversation's later folds are not tried
     * ({@link FoldOutcome.NotTried}). Folds of different conversations run concurrently.
     *
     * @return one outcome per fold, in the order of {@code folds}
     */
    List<FoldOutcome> foldAll(List<ChunkFold> folds);

    /**
     * Finishes the stream with {@code text} unless it already has chunks or is finished; in the same atomic step
     * keeps {@code reply} as the stream's reply record and, with a ticket, queues the delivery job like {@link #fold}.
     *
     * @param text  the user-facing text, already within the content limit
     * @param reply the draft of the stream's reply record ({@link ReplyRecords#draft(MessageRejected, boolean)})
     */
    FoldResult reject(MessageRejected rejection, String text, ReplyRecorded reply, @Nullable DeliveryTicket ticket);

    /**
     * Marks the stream's reply record published on {@code wecom.replies}: no later fold hands it back
     * ({@link FoldResult#reply()}). Completes when Redis noted it.
     */
    default Mono<Void> markRecorded(String streamId) {
        return markAllRecorded(List.of(streamId));
    }

    /** {@link #markRecorded} for many streams in one atomic step; completes when Redis noted them all. */
    Mono<Void> markAllRecorded(Collection<String> streamIds);
}
