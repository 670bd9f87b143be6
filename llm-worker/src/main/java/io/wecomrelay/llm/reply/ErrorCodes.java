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
    /**
     * A workflow app finished without the output variable the bot names ({@code dify.output-variable}) and without
     * streaming any text: a workflow whose End node does not output it.
     */
    public static final String WORKFLOW_OUTPUT_MISSING = "workflow_output_missing";
    /** Dify could not be reached (connect or I/O error) after the retries. */
    public static final String NETWORK_ERROR = "network_error";
    /** Dify finished without any answer text or file. */
    public static final String EMPTY_ANSWER = "empty_answer";
    /** The message has nothing the worker can pass to Dify (an unknown type, a mixed message without text or images). */
    public static final String UNSUPPORTED_INPUT = "unsupported_input";
    /** An image, file or video is larger than {@code relay.worker.media.max-size} (or Dify's upload limit). */
    public static final String MEDIA_TOO_LARGE = "media_too_large";
    /**
     * An image, file or video could not be fetched or read: a URL that is not allowed, an unreachable host,
     * an HTTP error (the URL expired after about 5 minutes), a timeout, bytes that do not decrypt. One code
     * and one sentence for all of them, so that replies do not reveal what the worker can reach.
     */
    public static final String MEDIA_DOWNLOAD_FAILED = "media_download_failed";
    /**
     * A self-built app's image, voice, video or file that WeCom's {@code media/get} no longer serves (errcode 40007:
     * media ids live three days); the user is asked to send it again.
     */
    public static final String MEDIA_EXPIRED = "media_expired";
    /** A line of the Dify stream was longer than {@code relay.worker.dify.max-line-size}; the task was stopped. */
    public static final String DIFY_LINE_TOO_LONG = "dify_line_too_long";
    /** An event of the Dify stream was larger than {@code relay.worker.dify.max-event-size}; the task was stopped. */
    public static final String DIFY_EVENT_TOO_LARGE = "dify_event_too_large";
    /** The answer grew past {@code relay.worker.reply.max-answer-size}; it was cut there and the task stopped. */
    public static final String ANSWER_TOO_LONG = "answer_too_long";
    /**
     * Kafka refused a chunk for good (too large for the producer or the topic, invalid); the reply was
     * finished with this note instead of being redone.
     */
    public static final String CHUNK_REFUSED = "chunk_refused";
    /**
     * The company's auth service refused the asker a token ({@code identity} in the bots file): the user sees the
     * bot's {@code unauthorized} rejection text.
     */
    public static final String IDENTITY_REFUSED = "identity_refused";
    /** The company's auth service could not be asked, or gave no usable answer, within its timeouts and retries. */
    public static final String IDENTITY_UNAVAILABLE = "identity_unavailable";
    /** The bots file does not know the message's bot. */
    public static final String BOT_UNKNOWN = "bot_unknown";

    private ErrorCodes() {
    }
}
