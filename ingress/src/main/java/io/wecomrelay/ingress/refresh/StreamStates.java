package io.wecomrelay.ingress.refresh;

import java.time.Instant;

import reactor.core.publisher.Mono;

/** The reply-stream state that the responder materializes. */
public interface StreamStates {

    /** The stream's state, or empty when the stream is unknown (expired or never ours). */
    Mono<StreamSnapshot> read(String streamId);

    /** Records that the stream exists and when it started, unless it already exists. */
    Mono<Void> markCreated(String streamId, Instant at);
}
