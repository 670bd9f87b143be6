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
 * What the pieces fold to (the display) is the {@link #preface} followed by the answer. The preface (a reasoning
 * model's thinking) is not part of the answer and does not count against its size. Before any answer text, a
 * {@link #status} line (an agent's tool call) may be shown instead of the answer, unless there is a preface; the
 * first answer text, note or replacement replaces it. The pieces are kept minimal: while only the answer grows they
 * append its new text; when the display changes otherwise, the piece appends what was added if the display only grew,
 * and replaces it whole ({@code REPLACE}) when something shown changed.
 * <p>
 * A piece never ends between the two halves of a surrogate pair: a trailing high surrogate waits for
 * the next text, so an emoji is never split across chunks (downstream it would become '?'). Only the
 * last piece may end with one, when Dify's text itself did. Not thread-safe.
 */
final class ChunkAssembler {

    private final long intervalMillis;
    private final int maxChars;
    /** The answer. */
    private final StringBuilder full = new StringBuilder();
    /** UTF-8 bytes of {@link #full}. */
    private long answerBytes;
    /** Shown before the answer; empty when none. */
    private String preface = "";
    /** The status line shown while there is no answer text; empty when none. */
    private String status = "";
    /** The display as the pieces sent so far fold to. */
    private final StringBuilder sent = new StringBuilder();
    /** What waits to be appended to {@link #sent}, while the display only grew by answer text. */
    private final StringBuilder pending = new StringBuilder();
    /** The display changed other than by answer text: the next piece is worked out from the whole display. */
    private boolean dirty;
    /** Dify replaced the answer: the next piece replaces the display, even when it only seems to grow. */
    private boolean forceReplace;
    private boolean hasPending;
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
        hold(text);
        return emitIfDue(now);
    }

    /** Adds text without sending anything; it goes out with the next piece. */
    void hold(String text) {
        if (text.isEmpty()) {
            return;
        }
        dropStatus();
        full.append(text);
        answerBytes += Utf8Bounds.length(text);
        if (!dirty) {
            pending.append(text);
        }
        hasPending = true;
    }

    /** Replaces the whole answer so far; returns the piece to send now, if any. */
    List<Piece> replace(String text, long now) {
        status = "";
        full.setLength(0);
        full.append(text);
        answerBytes = Utf8Bounds.length(text);
        dirty = true;
        forceReplace = true;
        hasPending = true;
        return emitIfDue(now);
    }

    /**
     * Shows {@code line} until answer text arrives; ignored once there is answer text or a preface, or when the
     * line is already the status. Returns the piece to send now, if any.
     */
    List<Piece> status(String line, long now) {
        if (full.length() > 0 || !preface.isEmpty() || line.isEmpty() || line.equals(status)) {
            return List.of();
        }
        status = line;
        dirty = true;
        hasPending = true;
        return emitIfDue(now);
    }

    /** Sets what is shown before the answer (empty for nothing); sends nothing by itself (see {@link #sendIfDue}). */
    void preface(String text) {
        if (text.equals(preface)) {
            return;
        }
        preface = text;
        if (!text.isEmpty()) {
            status = "";
        }
        dirty = true;
        hasPending = true;
    }

    /** The piece to send now for what waits, if any is due. */
    List<Piece> sendIfDue(long now) {
        return hasPending ? emitIfDue(now) : List.of();
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
            hold(full.length() > 0 ? "\n\n" + note : note);
        }
        var next = next();
        var piece = new Piece(nextSeq++, next.kind(), next.text(), true, error, usage, images);
        pending.setLength(0);
        hasPending = false;
        dirty = false;
        forceReplace = false;
        return piece;
    }

    /** Takes the status line out of the display; what comes next replaces it where it was shown. */
    private void dropStatus() {
        if (!status.isEmpty()) {
            status = "";
            dirty = true;
        }
    }

    private List<Piece> emitIfDue(long now) {
        boolean due = !emittedAny || now - lastEmitAt >= intervalMillis || waiting() >= maxChars;
        return due ? emit(now) : List.of();
    }

    /** About how many characters wait to be sent. */
    private int waiting() {
        return dirty ? Math.abs(preface.length() + body().length() - sent.length()) : pending.length();
    }

    /** The waiting text up to a whole character; nothing when only half a surrogate pair waits. */
    private List<Piece> emit(long now) {
        var next = next();
        String text = next.text();
        int end = text.length();
        if (end > 0 && Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        hasPending = false;
        boolean replace = next.kind() == ChunkKind.REPLACE;
        if (end == 0 && !(replace && sent.length() > 0)) {
            settle(next.kind(), text, 0);
            return List.of();
        }
        var piece = new Piece(nextSeq++, next.kind(), text.substring(0, end), false, null, null, List.of());
        settle(next.kind(), text, end);
        emittedAny = true;
        lastEmitAt = now;
        return List.of(piece);
    }

    /** Records that {@code text} up to {@code end} went out; the rest (half a surrogate pair) waits. */
    private void settle(ChunkKind kind, String text, int end) {
        if (kind == ChunkKind.REPLACE) {
            sent.setLength(0);
        }
        sent.append(text, 0, end);
        pending.setLength(0);
        pending.append(text, end, text.length());
        dirty = false;
        // an empty display is replaced by appending to it
        forceReplace = false;
    }

    /** What the next piece holds: the answer text that waits, or the display worked out afresh. */
    private Next next() {
        if (!dirty && !forceReplace) {
            return new Next(ChunkKind.APPEND, pending.toString());
        }
        String display = preface + body();
        if (!forceReplace && display.startsWith(sent.toString())) {
            return new Next(ChunkKind.APPEND, display.substring(sent.length()));
        }
        return new Next(ChunkKind.REPLACE, display);
    }

    private CharSequence body() {
        return full.length() > 0 ? full : status;
    }

    private record Next(ChunkKind kind, String text) {
        @Override
        public String toString() {
            return "Next[kind=" + kind + ", text=<" + text.length() + " chars>]";
        }
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
