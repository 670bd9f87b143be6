package io.wecomrelay.cli.trail;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import io.wecomrelay.schemas.event.ChunkError;
import io.wecomrelay.schemas.event.ReplyChunk;
import io.wecomrelay.schemas.event.ReplyText;
import org.jspecify.annotations.Nullable;

/**
 * The reply a stream ended with, folded from its chunks as the responder folds them: the highest attempt wins, its
 * chunks in {@code seq} order, each seq once, a chunk after a gap applied as well, {@code REPLACE} drops what came
 * before.
 *
 * @param finished   a chunk with {@code last} was seen
 * @param error      the error of the last chunk, or null
 * @param firstAt    the first chunk's time of the winning attempt
 * @param lastAt     the last chunk's time of the winning attempt
 */
public record FinalReply(String text, int attempt, int chunks, boolean finished, @Nullable ChunkError error,
                         Instant firstAt, Instant lastAt) {

    public static @Nullable FinalReply fold(List<ReplyChunk> all) {
        int attempt = all.stream().mapToInt(ReplyChunk::attempt).max().orElse(0);
        if (attempt == 0) {
            return null;
        }
        var chunks = new ArrayList<>(all.stream().filter(chunk -> chunk.attempt() == attempt).toList());
        chunks.sort(Comparator.comparingLong(ReplyChunk::seq));
        var text = new ReplyText();
        boolean finished = false;
        ChunkError error = null;
        long next = 0;
        for (ReplyChunk chunk : chunks) {
            if (chunk.seq() < next) {
                continue;   // a redelivered chunk: folded once
            }
            // past a gap the responder's fold applies the chunk all the same (and flags the gap): so does this, or
            // the transcript would stop where WeCom's stream went on
            next = chunk.seq() + 1;
            text.apply(chunk);
            if (chunk.last()) {
                finished = true;
                error = chunk.error();
            }
        }
        return new FinalReply(text.toString(), attempt, chunks.size(), finished, error,
                chunks.get(0).meta().occurredAt(), chunks.get(chunks.size() - 1).meta().occurredAt());
    }

    /** {@code finished}, {@code error <code>} or {@code unfinished}. */
    public String state() {
        if (!finished) {
            return "unfinished";
        }
        return error == null ? "finished" : "error " + error.code();
    }
}
