package io.wecomrelay.llm.reply;

import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;

import io.wecomrelay.schemas.event.ChunkError;
import io.wecomrelay.schemas.event.ChunkKind;
import io.wecomrelay.schemas.event.Usage;
import org.jspecify.annotations.Nullable;

/**
 * Coalesces answer text into numbered pieces; pure, with time passed in as milliseconds.
 * <p>
 * The first text goes out at once. After that a piece goes out when {@code interval} has passed since
 * the previous piece, or early when {@code maxChars} characters are waiting; otherwise the text waits
 * and {@link #nextFlushAt()} says when to call {@link #flush(long)}. A replacement turns the waiting
 * piece into a {@link ChunkKind#REPLACE} holding the new full text (text appended after it joins it).
 * {@link #finish} emits everything still waiting as the one {@code last} piece. Not thread-safe.
 */
final class ChunkAssembler {

    private final long intervalMillis;
    private final int maxChars;
    private final StringBuilder pending = new StringBuilder();
    private final StringBuilder full = new StringBuilder();
    private boolean hasPending;
    private boolean pendingReplace;
    private boolean emittedAny;
    private long lastEmitAt;
    private long nextSeq;

    ChunkAssembler(Duration interval, int maxChars) {
        this.intervalMillis = interval.toMillis();
        this.maxChars = maxChars;
    }

    /** Adds text; returns the piece to send now, if any. */
    List<Piece> append(String text, long now) {
        if (text.isEmpty()) {
            return List.of();
        }
        pending.append(text);
        full.append(text);
        hasPending = true;
        return emitIfDue(now);
    }

    /** Replaces the whole answer so far; returns the piece to send now, if any. */
    List<Piece> replace(String text, long now) {
        pending.setLength(0);
        pending.append(text);
        full.setLength(0);
        full.append(text);
        hasPending = true;
        pendingReplace = true;
        return emitIfDue(now);
    }

    /** Called when the timer set for {@link #nextFlushAt()} fires. */
    List<Piece> flush(long now) {
        return hasPending && now - lastEmitAt >= intervalMillis ? List.of(emit(now)) : List.of();
    }

    /** When waiting text becomes due, or empty when nothing waits. */
    OptionalLong nextFlushAt() {
        return hasPending ? OptionalLong.of(lastEmitAt + intervalMillis) : OptionalLong.empty();
    }

    /** True once any answer text exists (sent or waiting). */
    boolean hasText() {
        return full.length() > 0;
    }

    /** The whole answer so far. */
    String text() {
        return full.toString();
    }

    /** The next sequence number; also the number of pieces sent so far. */
    long nextSeq() {
        return nextSeq;
    }

    /**
     * The last piece: whatever waits, plus {@code note} after a blank line when there is text before
     * it (or {@code note} alone when there is none).
     */
    Piece finish(@Nullable String note, @Nullable ChunkError error, @Nullable Usage usage, List<String> images) {
        if (note != null && !note.isEmpty()) {
            String separated = full.length() > 0 ? "\n\n" + note : note;
            pending.append(separated);
            full.append(separated);
        }
        var kind = pendingReplace ? ChunkKind.REPLACE : ChunkKind.APPEND;
        var piece = new Piece(nextSeq++, kind, pending.toString(), true, error, usage, images);
        pending.setLength(0);
        hasPending = false;
        pendingReplace = false;
        return piece;
    }

    private List<Piece> emitIfDue(long now) {
        boolean due = !emittedAny || now - lastEmitAt >= intervalMillis || pending.length() >= maxChars;
        return due ? List.of(emit(now)) : List.of();
    }

    private Piece emit(long now) {
        var piece = new Piece(nextSeq++, pendingReplace ? ChunkKind.REPLACE : ChunkKind.APPEND, pending.toString(),
                false, null, null, List.of());
        pending.setLength(0);
        hasPending = false;
        pendingReplace = false;
        emittedAny = true;
        lastEmitAt = now;
        return piece;
    }

    /** One chunk's content before it gets its envelope (ids, attempt, route). */
    record Piece(long seq, ChunkKind kind, String text, boolean last, @Nullable ChunkError error,
                 @Nullable Usage usage, List<String> images) {
        Piece {
            images = List.copyOf(images);
        }
    }
}
