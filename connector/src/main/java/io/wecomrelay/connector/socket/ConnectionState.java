package io.wecomrelay.connector.socket;

/** Where a bot's socket is; the gauge {@code relay.connector.connection.state} shows {@link #code()}. */
public enum ConnectionState {
    /** Not owned here, or stopped. */
    CLOSED(0),
    /** Opening the socket or waiting for the subscribe ack, or waiting out the back-off before the next try. */
    CONNECTING(1),
    /** Subscribed: callbacks arrive and replies may be sent. */
    SUBSCRIBED(2),
    /** WeCom sent {@code disconnected_event} (another connection subscribed as the bot): never reconnected. */
    KICKED(3);

    private final int code;

    ConnectionState(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
