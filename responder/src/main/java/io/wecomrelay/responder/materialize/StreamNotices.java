package io.wecomrelay.responder.materialize;

import io.wecomrelay.schemas.event.RelayEvent;
import org.apache.kafka.common.header.Headers;

/**
 * Tells whoever pushes a stream that it changed in Redis: for long-connection bots, a {@code stream-changed} notice
 * on {@code wecom.outbound} for the connector that holds the bot's socket; nothing for other bots. A notice is a
 * hint, sent after the fold and not awaited: the connector also re-reads open streams every few seconds, so a lost
 * notice delays a frame, never loses one. The notice continues the source record's trace (its {@code traceparent}), so
 * that the connector's reply frames are spans of the message's trace.
 */
@FunctionalInterface
public interface StreamNotices {

    StreamNotices NONE = (source, headers) -> { };

    /** {@code source} (a chunk or a rejection; {@code headers}, its record's) changed its stream. */
    void changed(RelayEvent source, Headers headers);
}
