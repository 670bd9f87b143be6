package io.wecomrelay.schemas.stream;

/**
 * The layout of one reply stream in Redis, shared by the responder (writer), ingress and the connector (readers).
 * <p>
 * Key {@code stream:{streamId}} is a hash with these fields (all strings):
 * <ul>
 * <li>{@link #CREATED}: epoch millis when ingress acknowledged the message; written once by ingress
 *     (HSETNX) so that a refresh can tell a pending stream from an unknown one</li>
 * <li>{@link #OWNER}: the id of the bot whose message the stream answers; written with HSETNX by ingress
 *     (in the same script as {@code created}) and by the responder (whenever it writes the hash), so it is
 *     there whichever writes first. Ingress answers a refresh only to that bot: stream ids are derived from
 *     public values and appear in logs, so they are not secrets. A hash without it is answered as unknown.</li>
 * <li>{@link #TRACE_ID}: the W3C trace id of the message the stream answers; written with HSETNX by ingress (in the
 *     same script as {@code created}), so that ingress's warnings about a refresh of the stream carry it without
 *     another read</li>
 * <li>{@link #CONTENT}: the full reply text so far, UTF-8, at most {@link #MAX_CONTENT_BYTES} bytes</li>
 * <li>{@link #FINISH}: {@code "1"} once the reply is final, otherwise {@code "0"} or absent</li>
 * <li>{@link #ATTEMPT}: the attempt whose text {@code content} holds</li>
 * <li>{@link #SEQ}: the last sequence number of that attempt folded in</li>
 * <li>{@link #ERROR}: the error code when the reply failed, otherwise absent</li>
 * <li>{@link #IMAGES}: the final reply's images as a JSON array, otherwise absent. A string is an image URL (from a
 *     worker that did not fetch images), shown as a Markdown image after the text; an object
 *     {@code {"key","md5"}} is an image the worker fetched and checked, whose standard base64 is the string value at
 *     {@code key} (see {@link #imageKey}), sent as {@code msg_item} of the final frame (callback bots) or uploaded and
 *     sent as an image message after the finish frame (long-connection bots)</li>
 * <li>{@link #UPDATED_AT}: epoch millis of the last change</li>
 * <li>{@link #TRUNCATED}: {@code "1"} when the content was cut at the byte limit (with a visible note)</li>
 * <li>{@link #REJECTED}: the rejection reason when the stream was finished by a rejection</li>
 * <li>{@link #FULL}: the whole answer while it is longer than {@code content} (which then is its first part ending
 *     with {@link #CONTINUED_NOTE}); the rest follows in other messages (for long-connection bots the connector sends
 *     it after the finish frame)</li>
 * <li>{@link #CONTINUED_NOTE}: with {@link #FULL}, the note that ends {@code content}, so a reader cuts the answer
 *     where the responder cut it ({@code io.wecomrelay.schemas.text.Continuation})</li>
 * </ul>
 * The key expires a little after WeCom's 6-minute stream window (configurable in the responder).
 */
public final class StreamStateKeys {

    public static final String KEY_PREFIX = "stream:";
    public static final String CREATED = "created";
    public static final String OWNER = "bot";
    public static final String TRACE_ID = "traceId";
    public static final String CONTENT = "content";
    public static final String FINISH = "finish";
    public static final String ATTEMPT = "attempt";
    public static final String SEQ = "seq";
    public static final String ERROR = "error";
    public static final String IMAGES = "images";
    public static final String UPDATED_AT = "updatedAt";
    public static final String TRUNCATED = "truncated";
    public static final String REJECTED = "rejected";
    public static final String FULL = "full";
    public static final String CONTINUED_NOTE = "continuedNote";

    /** The prefix of every image's key; the rest is {@code {streamId}:{attempt}:{index}}. */
    public static final String IMAGE_KEY_PREFIX = "reply-image:";

    /** WeCom's limit for {@code stream.content}. */
    public static final int MAX_CONTENT_BYTES = 20_480;

    private StreamStateKeys() {
    }

    public static String key(String streamId) {
        return KEY_PREFIX + streamId;
    }

    /**
     * Where the worker keeps the standard base64 of an image of one attempt at a reply (a string value with a TTL):
     * {@code reply-image:{streamId}:{attempt}:{index}}. Written before the chunk that names it is published.
     */
    public static String imageKey(String streamId, int attempt, int index) {
        return IMAGE_KEY_PREFIX + streamId + ":" + attempt + ":" + index;
    }

    /**
     * True when {@code key} is an image key of {@code streamId}: readers take keys from the stream hash and read only
     * these, so a hash can never make them read another stream's image (or any other key).
     */
    public static boolean isImageKeyOf(String streamId, String key) {
        String prefix = IMAGE_KEY_PREFIX + streamId + ":";
        if (!key.startsWith(prefix)) {
            return false;
        }
        String rest = key.substring(prefix.length());
        return rest.matches("[1-9][0-9]{0,8}:[0-9]{1,2}");
    }
}
