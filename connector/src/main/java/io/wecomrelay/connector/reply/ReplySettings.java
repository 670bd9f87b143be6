package io.wecomrelay.connector.reply;

import java.time.Duration;
import java.util.Objects;

/**
 * @param keepAlive      a stream whose last frame is this old gets its text again (long answers: WeCom drops a
 *                       bubble that stays silent too long; below 4 minutes)
 * @param finishDeadline a stream still unfinished this long after its first frame is finished with what it has and
 *                       {@code overdueNote} (WeCom refuses updates after 6 minutes)
 * @param recheck        a stream without a frame for this long reads its snapshot again, in case a notice was lost
 * @param overdueNote    appended when the deadline finishes a stream
 */
public record ReplySettings(Duration keepAlive, Duration finishDeadline, Duration recheck, String overdueNote) {

    public ReplySettings {
        Objects.requireNonNull(keepAlive, "keepAlive");
        Objects.requireNonNull(finishDeadline, "finishDeadline");
        Objects.requireNonNull(recheck, "recheck");
        Objects.requireNonNull(overdueNote, "overdueNote");
        // WeCom's limits (protocol reference §6.6): shorter values are for tests, longer ones would lose the bubble
        if (keepAlive.compareTo(WECOM_SILENCE_LIMIT) >= 0) {
            throw new IllegalArgumentException("keep-alive must be below WeCom's " + WECOM_SILENCE_LIMIT + ", not " + keepAlive);
        }
        if (finishDeadline.compareTo(WECOM_STREAM_LIMIT) >= 0) {
            throw new IllegalArgumentException("finish-deadline must be below WeCom's " + WECOM_STREAM_LIMIT + ", not " + finishDeadline);
        }
    }

    /** A stream left silent this long may be dropped by WeCom (keep-alives are sent every ~4 minutes by peers). */
    public static final Duration WECOM_SILENCE_LIMIT = Duration.ofMinutes(4);
    /** No stream frame is accepted this long after the stream's first one ({@code 846608}). */
    public static final Duration WECOM_STREAM_LIMIT = Duration.ofMinutes(6);
}
