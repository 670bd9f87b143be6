package io.wecomrelay.llm.handle;

import io.wecomrelay.llm.input.Input;
import io.wecomrelay.llm.input.Inputs;
import io.wecomrelay.llm.publish.ChunkPublisher;
import io.wecomrelay.llm.state.StreamLedger;
import io.wecomrelay.schemas.event.MessageAccepted;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Handles one accepted message completely: skips it when an earlier delivery already finished its
 * stream, takes the next attempt number, publishes the attempt's chunks in order (each acknowledged
 * before the next is sent) and marks the stream done. The returned Mono completes only when the
 * last chunk is acknowledged by Kafka, which is when the record's offset may be committed; it fails
 * when Kafka or Redis failed, and the caller redoes the message (with the next attempt number).
 */
public final class AcceptedMessageHandler {

    private static final Logger log = LoggerFactory.getLogger(AcceptedMessageHandler.class);

    private final Inputs inputs;
    private final StreamLedger ledger;
    private final ReplyRunner runner;
    private final ChunkPublisher publisher;
    private final ChunkFactories factories;

    public AcceptedMessageHandler(Inputs inputs, StreamLedger ledger, ReplyRunner runner, ChunkPublisher publisher,
                           ChunkFactories factories) {
        this.inputs = inputs;
        this.ledger = ledger;
        this.runner = runner;
        this.publisher = publisher;
        this.factories = factories;
    }

    /** @param traceId the trace id header of the record, or the event's own */
    public Mono<Void> handle(MessageAccepted message, String traceId) {
        Input input = inputs.read(message);
        if (input instanceof Input.Ignored ignored) {
            log.info("no reply for {} streamId={}", ignored.why(), message.streamId());
            return Mono.empty();
        }
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
