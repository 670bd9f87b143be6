package io.wecomrelay.schemas.event;

/** How the responder delivered a reply actively. */
public enum DeliveryChannel {
    /** The one-shot {@code response_url} of the message. */
    RESPONSE_URL,
    /** The group bot webhook ({@code cgi-bin/webhook/send}). */
    WEBHOOK,
    /** A self-built app's {@code cgi-bin/message/send} to the user who wrote. */
    APP_MESSAGE
}
