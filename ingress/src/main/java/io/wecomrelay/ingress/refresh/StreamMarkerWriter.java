package io.wecomrelay.ingress.refresh;

import java.time.Instant;

import reactor.core.publisher.Mono;

/** Writes the marker that a reply stream exists, so that a refresh can tell a pending stream from an unknown one. */
public interface StreamMarkerWriter {

    /** Writes nothing: for {@code relay.ingress.publisher=none}, where no stream is ever answered. */
    StreamMarkerWriter NONE = (botId, streamId, at, traceId) -> Mono.empty();

    /**
     * Records that the stream exists, when it started (unless that is already recorded) and which bot owns it
     * (unless the responder recorded it first: the same bot, since the stream id is derived from the bot id), and the
     * message's trace id, which refreshes of the stream log with their warnings (unless already recorded).
     */
    Mono<Void> markCreated(String botId, String streamId, Instant at, String traceId);
}
