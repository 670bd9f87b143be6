package io.wecomrelay.sim.dify;

import java.util.Locale;
import java.util.Optional;

/**
 * How the simulator answers a chat request. Set one for all following requests with
 * {@link DifySimulator#scenario(Scenario)}, or for a single request by putting {@link #tag()}
 * (for example {@code [sim:error-mid]}) anywhere in the query text; the tag wins.
 */
public enum Scenario {
    /** {@code message} deltas at the configured cadence, then {@code message_end}. */
    NORMAL("normal"),
    /** {@code 400 invalid_param} JSON error before any stream. */
    HTTP_400("http-400"),
    /** {@code 404 not_found "Conversation Not Exists."} before any stream. */
    HTTP_404("http-404"),
    /** {@code 429 too_many_requests} before any stream. */
    HTTP_429("http-429"),
    /** {@code 500 internal_server_error} before any stream. */
    HTTP_500("http-500"),
    /** Some deltas, then an {@code error} event ({@code completion_request_error}, 400), then close. */
    ERROR_MID_STREAM("error-mid"),
    /** Half of the deltas, a long pause filled with pings, the rest and {@code message_end}. */
    PAUSE("pause"),
    /** Headers and one delta, then silence; the server never closes (for idle-timeout tests). */
    SILENT_HANG("silent-hang"),
    /** All deltas, then the connection closes without {@code message_end}. */
    NO_TERMINAL("no-terminal"),
    /** A normal stream whose bytes are flushed in small pieces that cut multi-byte characters. */
    SPLIT_MULTIBYTE("split-multibyte"),
    /** Half of the deltas, then {@code message_replace} (moderation), then {@code message_end}. */
    MESSAGE_REPLACE("message-replace"),
    /** Agent app: {@code agent_thought}, {@code message_file} (image), {@code agent_message} deltas, {@code message_end}. */
    AGENT("agent"),
    /**
     * Chat app whose answer shows images ({@link SimImages}): the deltas, a Markdown image (PNG), a {@code message_file}
     * image (JPG), three Markdown images that cannot be shown (not an image, over 10 MB, an unlisted host),
     * {@code message_end}. Relative URLs, as a self-hosted Dify writes them.
     */
    IMAGES("images"),
    /** Chatflow app: workflow and node events around the deltas, {@code message_end}, {@code workflow_finished}. */
    CHATFLOW("chatflow"),
    /** Headers, then only pings until the client disconnects or stops the task (for load tests). */
    HOLD_OPEN("hold-open"),
    /**
     * One delta, then a {@code message} event whose line never ends: 1 KiB of answer per delta delay
     * until the client disconnects or stops the task (for line-length bounds).
     */
    ENDLESS_LINE("endless-line"),
    /**
     * One delta, then one event that never ends: its first {@code data} line opens a {@code message}
     * event, then a 1 KiB {@code data} line of JSON whitespace per delta delay, never the blank line
     * that would end it (for event-size bounds).
     */
    ENDLESS_EVENT("endless-event"),
    /** The answer's deltas over and over at the delta cadence, never {@code message_end} (for answer-size bounds). */
    ENDLESS_ANSWER("endless-answer"),
    /**
     * A reasoning model: the deltas carry {@code <think>}, the model's thinking ({@link DifySimulator#expectedReasoning}),
     * {@code </think>} and then the answer, cut into the configured number of deltas wherever the cuts fall (inside
     * the tags too: {@code deltas=200} cuts about every character), then {@code message_end}.
     */
    THINK("think"),
    /**
     * A reasoning model whose thinking Dify sends apart ({@code reasoning_format: separated}): the thinking as
     * {@code reasoning_chunk} events (the last one {@code is_final}), then the answer's deltas and {@code message_end}.
     */
    REASONING("reasoning");

    private final String directive;

    Scenario(String directive) {
        this.directive = directive;
    }

    /** The name used inside a query directive, e.g. {@code error-mid}. */
    public String directive() {
        return directive;
    }

    /** The query directive that selects this scenario for one request, e.g. {@code [sim:error-mid]}. */
    public String tag() {
        return "[sim:" + directive + "]";
    }

    /** The scenario whose {@link #directive()} is {@code name}, ignoring case. */
    public static Optional<Scenario> fromDirective(String name) {
        var wanted = name.toLowerCase(Locale.ROOT);
        for (var scenario : values()) {
            if (scenario.directive.equals(wanted)) {
                return Optional.of(scenario);
            }
        }
        return Optional.empty();
    }
}
