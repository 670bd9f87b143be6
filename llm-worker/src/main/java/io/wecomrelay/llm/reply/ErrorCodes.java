package io.wecomrelay.llm.reply;

/**
 * The worker's own error codes in {@code ChunkError.code}, next to Dify's ({@code too_many_requests},
 * {@code completion_request_error}, ...), which are passed through unchanged.
 */
public final class ErrorCodes {

    /** Dify sent nothing, not even a ping, for the idle timeout; the task was stopped. */
    public static final String IDLE_TIMEOUT = "idle_timeout";
    /** The reply hit the deadline before WeCom's 6-minute window; the task was stopped. */
    public static final String DEADLINE_EXCEEDED = "deadline_exceeded";
    /** The stream ended without {@code message_end} or {@code error}. */
    public static final String NO_TERMINAL = "no_terminal";
    /** A chatflow's {@code workflow_finished} said {@code failed}. */
    public static final String WORKFLOW_FAILED = "workflow_failed";
    /** Dify could not be reached (connect or I/O error) after the retries. */
    public static final String NETWORK_ERROR = "network_error";
    /** Dify finished without any answer text or file. */
    public static final String EMPTY_ANSWER = "empty_answer";
    /** The message type (image, file, video) is not supported yet. */
    public static final String UNSUPPORTED_INPUT = "unsupported_input";
    /** The bots file does not know the message's bot. */
    public static final String BOT_UNKNOWN = "bot_unknown";

    private ErrorCodes() {
    }
}
