package io.wecomrelay.ingress.callback;

import io.wecomrelay.schemas.event.InboundMessage;

/** What a decrypted callback asks for: a stream refresh, or a message/event to make durable. */
sealed interface ParsedCallback {

    /** WeCom polls the stream it was given in an earlier reply. */
    record Refresh(String streamId) implements ParsedCallback {
    }

    /** A message or event to publish. */
    record Inbound(InboundMessage message) implements ParsedCallback {
    }
}
