package io.wecomrelay.responder.delivery;

/** WeCom errcodes the responder acts on (see the protocol reference, §5 and §7). */
final class WeComErrors {

    /** {@code api freq out of limit}: the bot sent too much; retried with backoff. */
    public static final int FREQUENCY_LIMIT = 45009;
    /** {@code system busy}: retried with backoff. */
    public static final int SYSTEM_BUSY = -1;
    /** {@code invalid webhook url}: wrong or removed key; permanent. */
    public static final int INVALID_WEBHOOK = 93000;
    /** {@code invalid message type}; permanent. */
    public static final int INVALID_MESSAGE_TYPE = 40008;

    private WeComErrors() {
    }
}
