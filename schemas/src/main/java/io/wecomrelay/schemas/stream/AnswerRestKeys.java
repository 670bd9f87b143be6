package io.wecomrelay.schemas.stream;

import java.util.Objects;

/**
 * The rest of a long answer kept for the user to ask for ("rest on request", issue 19), shared by the responder
 * (writer) and the llm-worker (taker). A streaming bot of URL callbacks shows the first part of an answer in its
 * stream and the next one in the message's single response_url message; WeCom gives a callback bot no other way
 * into the chat, so what is left waits here until the same user sends one of the bot's continue words in the same
 * conversation.
 * <p>
 * Key {@link #key} is a hash with these fields (all strings):
 * <ul>
 * <li>{@link #USER}: the asker's user id; only the asker takes the rest</li>
 * <li>{@link #SOURCE}: the stream id of the answer the rest belongs to</li>
 * <li>{@link #AT}: epoch millis when that answer's message was received: an older answer's rest never replaces a
 *     newer one's</li>
 * <li>{@link #NOTE}: ends a part that is not the last (names the bot's first continue word)</li>
 * <li>{@link #TTL}: the key's lifetime in ms, refreshed whenever a part is taken</li>
 * <li>{@link #NEXT}, {@link #PARTS}: the number of the next part to show (from 1) and of the last one</li>
 * <li>{@code p1} ... {@code pN} ({@link #part}): the parts, each split by {@code MarkdownSplitter} to leave room
 *     for the note within WeCom's 20,480 bytes; a part is deleted when taken</li>
 * <li>{@link #LOST}: {@code 1} once the part the response_url message failed to show was kept in front</li>
 * </ul>
 * After the last part is taken the hash stays, exhausted ({@link #NEXT} past {@link #PARTS}), for its TTL: a redo of
 * the responder's job then knows the answer's rest was kept and taken, and keeps none of it again.
 * <p>
 * Only the two scripts here change the hash: {@link #KEEP_SCRIPT} (the responder) and {@link #TAKE_SCRIPT} (the
 * llm-worker); their headers say what each does in which case.
 * A taken part, as shown (with the note when more is left), is kept under {@link #takenKey} for the llm-worker's
 * ledger TTL, so that a redo of the same message shows the same text and takes nothing more.
 */
public final class AnswerRestKeys {

    public static final String KEY_PREFIX = "answer-rest:";
    public static final String TAKEN_PREFIX = "answer-taken:";
    public static final String USER = "user";
    public static final String SOURCE = "source";
    public static final String AT = "at";
    public static final String NOTE = "note";
    public static final String TTL = "ttl";
    public static final String NEXT = "next";
    public static final String PARTS = "parts";
    public static final String LOST = "lost";
    /** Classpath location of the script that keeps a rest. */
    public static final String KEEP_SCRIPT = "io/wecomrelay/schemas/stream/keep-rest.lua";
    /** Classpath location of the script that takes a rest's next part. */
    public static final String TAKE_SCRIPT = "io/wecomrelay/schemas/stream/take-rest.lua";

    private AnswerRestKeys() {
    }

    /**
     * {@code answer-rest:{len(botId)}:{botId}:{conversationKey}}: the bot id's length first, so that no bot id and
     * conversation key pair can spell another bot's key.
     */
    public static String key(String botId, String conversationKey) {
        Objects.requireNonNull(botId, "botId");
        Objects.requireNonNull(conversationKey, "conversationKey");
        return KEY_PREFIX + botId.length() + ":" + botId + ":" + conversationKey;
    }

    /** {@code answer-taken:{streamId}}: the part the message of that stream was shown. */
    public static String takenKey(String streamId) {
        return TAKEN_PREFIX + Objects.requireNonNull(streamId, "streamId");
    }

    /** The field of part {@code number} (from 1). */
    public static String part(int number) {
        return "p" + number;
    }
}
