package io.wecomrelay.schemas.event;

/** How a finished reply reaches WeCom, as {@link ReplyRecorded} records it. */
public enum ReplyChannel {
    /**
     * A passive stream: WeCom shows the stream's content through its refresh polls (ingress) or the long connection's
     * pushes (connector). Also a bot the bots file does not know, whose reply is only ever in the stream.
     */
    STREAM,
    /** Posted to the message's one-shot {@code response_url}; {@code wecom.deliveries} records the attempts. */
    RESPONSE_URL,
    /** Posted to the bot's group webhook; {@code wecom.deliveries} records the attempts. */
    WEBHOOK,
    /** Sent with a self-built app's {@code message/send}; {@code wecom.deliveries} records the attempts. */
    APP_MESSAGE
}
