package io.wecomrelay.llm.reply;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/** What reply sessions report, per bot. Implementations must be thread-safe and never throw. */
public interface ReplyMetrics {

    /** The first answer text arrived {@code sinceStart} after the session started. */
    void firstText(String botId, Duration sinceStart);

    /** A chunk of {@code characters} characters was emitted. */
    void chunk(String botId, int characters);

    /** A session finished; {@code errorCode} is null on success. */
    void finished(String botId, @Nullable String errorCode, Duration duration);

    /**
     * A reply passed one of its bounds and was finished early; {@code limit} is {@code line},
     * {@code event} (of the Dify stream) or {@code answer}.
     */
    void limitExceeded(String botId, String limit);

    /** Reports nothing. */
    ReplyMetrics NONE = new ReplyMetrics() {
        @Override
        public void firstText(String botId, Duration sinceStart) {
        }

        @Override
        public void chunk(String botId, int characters) {
        }

        @Override
        public void finished(String botId, @Nullable String errorCode, Duration duration) {
        }

        @Override
        public void limitExceeded(String botId, String limit) {
        }
    };
}
