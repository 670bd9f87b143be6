package io.wecomrelay.llm.handle;

import io.wecomrelay.llm.input.Input;
import io.wecomrelay.llm.publish.ChunkPublisher;
import io.wecomrelay.llm.state.StreamLedger;
import io.wecomrelay.schemas.event.MessageAccepted;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Runs one attempt at a message's reply stream: skips it when an earlier delivery already finished
 * the stream, takes the next attempt number, publishes the attempt's chunks in order (each
 * acknowledged before the next is sent) and marks the stream done. The returned Mono completes only
 * when the last chunk is acknowledged by Kafka; it fails when Kafka or Redis failed, and the caller
 * redoes the message (with the next attempt number).
 */
public final class ReplyAttempts {

    private static final Logger log = LoggerFactory.getLogger(ReplyAttempts.class);

    private final StreamLedger ledger;
    private final ReplyRunner runner;
    private final ChunkPublisher publisher;
    private final ChunkFactories factories;

    public ReplyAttempts(StreamLedger ledger, ReplyRunner runner, ChunkPublisher publisher, ChunkFactories factories) {
        this.ledger = ledger;
        this.runner = runner;
        this.publisher = publisher;
        this.factories = factories;
    }

    Mono<Void> reply(MessageAccepted message, Input input, String traceId) {
        String streamId = message.streamId();
        return ledger.isDone(streamId).flatMap(done -> {
            if (done) {
                log.info("stream already finished, not regenerated streamId={}", streamId);
                return Mono.empty();
            }
            return ledger.nextAttempt(streamId).flatMap(attempt -> {
                log.info("reply start streamId={} conversationKey={} attempt={}", streamId, message.conversationKey(), attempt);
                var chunks = factories.forAttempt(message, attempt, traceId);
                return runner.run(message, input, chunks)
                        .concatMap(publisher::publish)
                        .then(Mono.defer(() -> ledger.markDone(streamId, attempt)
                                .onErrorResume(e -> {
                                    log.warn("cannot mark stream done streamId={} cause={}", streamId, e.toString());
                                    return Mono.empty();
                                })));
            });
        });
    }
}
