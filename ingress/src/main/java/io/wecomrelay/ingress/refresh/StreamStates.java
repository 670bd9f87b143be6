package io.wecomrelay.ingress.refresh;

import reactor.core.publisher.Mono;

/** The reply-stream state that the responder materializes. */
public interface StreamStates extends StreamMarker {

    /** The stream's state, or empty when the stream is unknown (expired or never ours). */
    Mono<StreamSnapshot> read(String streamId);
}
