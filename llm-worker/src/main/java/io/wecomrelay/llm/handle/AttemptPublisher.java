package io.wecomrelay.llm.handle;

import io.wecomrelay.llm.input.Input;
import io.wecomrelay.llm.publish.ChunkPublisher;
import io.wecomrelay.llm.reply.ErrorTexts;
import io.wecomrelay.llm.state.StreamLedger;
import io.wecomrelay.schemas.event.MessageAccepted;
import io.wecomrelay.support.tracing.RelayTracing;
import io.wecomrelay.support.tracing.TraceLog;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Publishes one attempt at a message's reply stream, between the stream ledger's start and its done
 * marker. One Redis round trip starts it ({@link StreamLedger#start}): it skips the stream when an
 * earlier delivery already finished it, else takes the next attempt number and, for a query, reads the
 * conversation to continue. Then the attempt's chunks, made by the {@link ReplyComposer}, are published
 * in order ({@link ChunkPublisher}) and the stream is marked done. The returned Mono completes only when
 * every chunk is acknowledged by Kafka; it fails when Kafka failed or the start failed, and the caller
 * redoes the message (with the next attempt number).
 * <p>
 * Every Redis call that can make the caller redo a reply happens before Dify is called (the start,
 * and a reset's forget, which calls no Dify); the ones after it (conversation, Dify message) are best
 * effort, and the done marker waits out a Redis outage ({@link StreamLedger#markDone}). So a Redis
 * timeout never makes Dify answer the same message twice.
 * <p>
 * A chunk Kafka refuses for good (too large for the topic, invalid) is not redone: the publisher
 * finishes the reply with the {@code chunk_refused} note and the stream counts as done; when even the
 * note is refused, the Mono fails with {@code ReplyRefusedException} and the message is dead-lettered.
 */
public final class AttemptPublisher {

    private static final Logger log = LoggerFactory.getLogger(AttemptPublisher.class);

    private final StreamLedger ledger;
    private final ReplyComposer composer;
    private final ChunkPublisher publisher;
    private final ChunkFactories factories;
    private final ErrorTexts texts;

    public AttemptPublisher(StreamLedger ledger, ReplyComposer composer, ChunkPublisher publisher, ChunkFactories factories,
                         ErrorTexts texts) {
        this.ledger = ledger;
        this.composer = composer;
        this.publisher = publisher;
        this.factories = factories;
        this.texts = texts;
    }

    Mono<Void> publish(MessageAccepted message, Input input, String traceId) {
        String streamId = message.streamId();
        // only a query continues a conversation; a reset forgets it, other inputs never reach Dify
        String conversationKey = input instanceof Input.Query ? message.conversationKey() : null;
        // the reply span's traceparent: the lines below run on Lettuce's and the parallel scheduler's threads
        return Mono.deferContextual(context -> attempt(message, input, traceId, streamId, conversationKey,
                context.getOrDefault(RelayTracing.CONTEXT_KEY, null)));
    }

    private Mono<Void> attempt(MessageAccepted message, Input input, String traceId, String streamId,
                               @Nullable String conversationKey, @Nullable String traceparent) {
        return ledger.start(streamId, conversationKey)
                // Lettuce answers on its one I/O thread: preparing the reply there would delay every other Redis reply
                .publishOn(Schedulers.parallel())
                .flatMap(start -> {
                    int attempt = start.attempt();
                    try (var trace = TraceLog.of(traceparent)) {
                        if (start.done()) {
                            log.info("stream already finished, not regenerated streamId={}", streamId);
                            return Mono.empty();
                        }
                        log.info("reply start streamId={} conversationKey={} attempt={}", streamId, message.conversationKey(),
                                attempt);
                    }
                    var chunks = factories.forAttempt(message, attempt, traceId, traceparent);
                    return publisher.publish(composer.compose(message, input, chunks, start.conversationId()),
                                    chunks.bot().orElse(null), (seq, afterText) -> chunks.refusalNote(seq, afterText, texts))
                            .then(Mono.defer(() -> ledger.markDone(streamId, attempt)
                                    .onErrorResume(e -> {
                                        try (var trace = chunks.trace()) {
                                            log.warn("cannot mark stream done streamId={} cause={}", streamId, e.toString());
                                        }
                                        return Mono.empty();
                                    })));
                });
    }
}
