package io.wecomrelay.ingress.refresh;

import java.time.Instant;

import reactor.core.publisher.Mono;

/** Records that a reply stream exists, so that a refresh can tell a pending stream from an unknown one. */
public interface StreamMarker {

    /** Writes nothing: for {@code relay.ingress.publisher=none}, where no stream is ever answered. */
    StreamMarker NONE = (streamId, at) -> Mono.empty();

    /** Records that the stream exists and when it started, unless it already exists. */
    Mono<Void> markCreated(String streamId, Instant at);
}
