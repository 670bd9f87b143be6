package io.wecomrelay.responder.delivery;

/**
 * WeCom errcodes the responder acts on (see the protocol reference, §5 and §7); those that refuse an app's access
 * token (40014, 42001, 40001) are {@code AccessTokens.refusesToken}'s.
 */
final class WeComErrors {

    /** {@code api freq out of limit}: the bot sent too much; retried with backoff. */
    public static final int FREQUENCY_LIMIT = 45009;
    /** {@code system busy}: retried with backoff. */
    public static final int SYSTEM_BUSY = -1;
    /** {@code invalid webhook url}: wrong or removed key; permanent. */
    public static final int INVALID_WEBHOOK = 93000;
    /** {@code invalid message type}; permanent. */
    public static final int INVALID_MESSAGE_TYPE = 40008;
    /** {@code all recipients invalid} (outside the app's visibility); permanent. */
    public static final int ALL_RECIPIENTS_INVALID = 81013;
    /** {@code api concurrent out of limit}: retried with backoff. */
    public static final int CONCURRENCY_LIMIT = 45033;

    private WeComErrors() {
    }
}
