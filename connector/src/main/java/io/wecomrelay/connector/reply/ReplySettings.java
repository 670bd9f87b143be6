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
    }
}
