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
 * {@link #finish} emits everything still waiting as the one {@code last} piece.
 * <p>
 * Before any answer text, a {@link #status} line (an agent's tool call) may be shown; it is not part
 * of the answer, and the first answer text, note or replacement replaces it (a {@code REPLACE} piece
 * once the status went out).
 * <p>
 * A piece never ends between the two halves of a surrogate pair: a trailing high surrogate waits for
 * the next text, so an emoji is never split across chunks (downstream it would become '?'). Only the
 * last piece may end with one, when Dify's text itself did. Not thread-safe.
 */
final class ChunkAssembler {

    private final long intervalMillis;
    private final int maxChars;
    private final StringBuilder pending = new StringBuilder();
    private final StringBuilder full = new StringBuilder();
    /** UTF-8 bytes of {@link #full}. */
    private long answerBytes;
    private boolean hasPending;
    private boolean pendingReplace;
    private boolean emittedAny;
    /** The status line pending or shown while there is no answer text; empty when none. */
    private String status = "";
    /** The status line went out, so what replaces it must be a {@code REPLACE}. */
    private boolean statusShown;
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
        dropStatus();
        pending.append(text);
        full.append(text);
        answerBytes += Utf8Bounds.length(text);
        hasPending = true;
        return emitIfDue(now);
    }

    /** Replaces the whole answer so far; returns the piece to send now, if any. */
    List<Piece> replace(String text, long now) {
        status = "";
        statusShown = false;
        pending.setLength(0);
        pending.append(text);
        full.setLength(0);
        full.append(text);
        answerBytes = Utf8Bounds.length(text);
        hasPending = true;
        pendingReplace = true;
        return emitIfDue(now);
    }

    /**
     * Shows {@code line} until answer text arrives; ignored once there is answer text, or when the
     * line is already the status. Returns the piece to send now, if any.
     */
    List<Piece> status(String line, long now) {
        if (full.length() > 0 || line.isEmpty() || line.equals(status)) {
            return List.of();
        }
        pending.setLength(0);
        pending.append(line);
        pendingReplace = pendingReplace || statusShown;
        status = line;
        hasPending = true;
        return emitIfDue(now);
    }

    /** Called when the timer set for {@link #nextFlushAt()} fires. */
    List<Piece> flush(long now) {
        return hasPending && now - lastEmitAt >= intervalMillis ? emit(now) : List.of();
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

    /** The UTF-8 size of the whole answer so far. */
    long answerBytes() {
        return answerBytes;
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
        dropStatus();
        if (note != null && !note.isEmpty()) {
            String separated = full.length() > 0 ? "\n\n" + note : note;
            pending.append(separated);
            full.append(separated);
            answerBytes += Utf8Bounds.length(separated);
        }
        var kind = pendingReplace ? ChunkKind.REPLACE : ChunkKind.APPEND;
        var piece = new Piece(nextSeq++, kind, pending.toString(), true, error, usage, images);
        pending.setLength(0);
        hasPending = false;
        pendingReplace = false;
        return piece;
    }

    /** Takes the status line out of what waits; what comes next replaces it where it was shown. */
    private void dropStatus() {
        if (status.isEmpty()) {
            return;
        }
        pending.setLength(0);
        hasPending = false;
        pendingReplace = pendingReplace || statusShown;
        status = "";
        statusShown = false;
    }

    private List<Piece> emitIfDue(long now) {
        boolean due = !emittedAny || now - lastEmitAt >= intervalMillis || pending.length() >= maxChars;
        return due ? emit(now) : List.of();
    }

    /** The waiting text up to a whole character; nothing when only half a surrogate pair waits. */
    private List<Piece> emit(long now) {
        int end = pending.length();
        if (end > 0 && Character.isHighSurrogate(pending.charAt(end - 1))) {
            end--;
        }
        hasPending = false;
        if (end == 0) {
            return List.of();
        }
        var piece = new Piece(nextSeq++, pendingReplace ? ChunkKind.REPLACE : ChunkKind.APPEND,
                pending.substring(0, end), false, null, null, List.of());
        pending.delete(0, end);
        pendingReplace = false;
        emittedAny = true;
        lastEmitAt = now;
        statusShown = statusShown || !status.isEmpty();
        return List.of(piece);
    }

    /** One chunk's content before it gets its envelope (ids, attempt, route). */
    record Piece(long seq, ChunkKind kind, String text, boolean last, @Nullable ChunkError error,
                 @Nullable Usage usage, List<String> images) {
        Piece {
            images = List.copyOf(images);
        }

        // the answer and its images are user content
        @Override
        public String toString() {
            return "Piece[seq=" + seq + ", kind=" + kind + ", text=<" + text.length() + " chars>, last=" + last
                    + ", error=" + error + ", usage=" + usage + ", images=" + images.size() + "]";
        }
    }
}
