package io.wecomrelay.schemas.event;

/** Why a message gets no LLM answer. {@link #DUPLICATE} never touches the original stream. */
public enum RejectReason {
    /** The same (bot id, msgid) was already decided within the dedup retention. */
    DUPLICATE,
    /** No bot with this id is configured. */
    BOT_UNKNOWN,
    /** The bot is configured but switched off. */
    BOT_DISABLED,
    /** The sender or chat type is not allowed for this bot. */
    UNAUTHORIZED,
    /** The bot's per-minute limit is used up. */
    RATE_LIMITED,
    /** The worker cannot serve this message type. */
    UNSUPPORTED
}
