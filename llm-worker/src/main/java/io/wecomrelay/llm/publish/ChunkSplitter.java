package io.wecomrelay.llm.publish;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.wecomrelay.schemas.event.ChunkKind;
import io.wecomrelay.schemas.event.EventMeta;
import io.wecomrelay.schemas.event.ReplyChunk;

/**
 * Keeps every chunk of one attempt within the producer's record size. A chunk whose record would be
 * larger is cut into several with consecutive sequence numbers (the attempt's later chunks are
 * renumbered after them); the text is cut on whole code points. The pieces fold to what the chunk
 * folded to: the first keeps its kind (a {@code REPLACE} still replaces what came before, the
 * responder's fold then appends the rest), the others {@code APPEND}; only the final piece keeps
 * {@code last}, the error, the usage and the images. A chunk that is too large even without text
 * (a huge envelope) is passed on unchanged: the producer refuses it, which finishes the reply.
 * Not thread-safe: one instance per attempt.
 */
final class ChunkSplitter {

    /** Below this much room for text a chunk is not worth cutting. */
    private static final int MIN_TEXT_BYTES = 64;

    private final RecordSizes sizes;
    private final long maxRecordBytes;
    private long shift;
    private long nextSeq;

    /** @param maxRecordBytes the largest record: key, value and headers, as {@link RecordSizes} counts them */
    ChunkSplitter(RecordSizes sizes, long maxRecordBytes) {
        this.sizes = sizes;
        this.maxRecordBytes = maxRecordBytes;
    }

    /** The chunk, renumbered, or its pieces. */
    List<ReplyChunk> split(ReplyChunk chunk) {
        var numbered = shift == 0 ? chunk : copy(chunk, chunk.meta(), chunk.seq() + shift, chunk.kind(), chunk.text(),
                chunk.last(), true);
        var pieces = cut(numbered);
        shift += pieces.size() - 1;
        nextSeq = numbered.seq() + pieces.size();
        return pieces;
    }

    /** The sequence number after the last piece made: where a chunk that finishes the attempt goes. */
    long nextSeq() {
        return nextSeq;
    }

    private List<ReplyChunk> cut(ReplyChunk chunk) {
        if (sizes.certainlyFits(chunk, maxRecordBytes) || sizes.exact(chunk) <= maxRecordBytes) {
            return List.of(chunk);
        }
        // measured with everything the final piece keeps: the other pieces are smaller
        long budget = maxRecordBytes - sizes.exact(copy(chunk, chunk.meta(), chunk.seq(), chunk.kind(), "", chunk.last(),
                true));
        if (budget < MIN_TEXT_BYTES) {
            return List.of(chunk);
        }
        var texts = JsonStringCutter.split(chunk.text(), budget);
        var pieces = new ArrayList<ReplyChunk>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            boolean first = i == 0;
            boolean finalPiece = i == texts.size() - 1;
            pieces.add(copy(chunk, first ? chunk.meta() : meta(chunk.meta(), i), chunk.seq() + i,
                    first ? chunk.kind() : ChunkKind.APPEND, texts.get(i), finalPiece && chunk.last(), finalPiece));
        }
        return pieces;
    }

    /** Each piece is an event of its own: a new id, derived from the chunk's so that it is the same on every run. */
    private static EventMeta meta(EventMeta chunk, int piece) {
        var id = UUID.nameUUIDFromBytes((chunk.eventId() + "/" + piece).getBytes(StandardCharsets.UTF_8));
        return new EventMeta(id, chunk.traceId(), chunk.occurredAt());
    }

    /** @param extras whether the copy keeps the error, usage, images and attached images */
    private static ReplyChunk copy(ReplyChunk chunk, EventMeta meta, long seq, ChunkKind kind, String text,
                                   boolean last, boolean extras) {
        return new ReplyChunk(meta, chunk.botId(), chunk.streamId(), chunk.conversationKey(), chunk.msgId(),
                chunk.attempt(), seq, kind, text, last, extras ? chunk.error() : null, extras ? chunk.usage() : null,
                extras ? chunk.images() : List.of(), chunk.route(), chunk.receivedAt(),
                extras ? chunk.attachedImages() : List.of(), chunk.policyVersion());
    }
}
