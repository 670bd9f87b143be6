package io.wecomrelay.ingress.publish;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import io.wecomrelay.schemas.event.EventHeaders;
import io.wecomrelay.schemas.event.MessageReceived;
import io.wecomrelay.schemas.event.RelayEvent;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Publishes to the inbound topic keyed by bot id, with acks=all and idempotence (see
 * application.yaml), and waits for the ack up to a deadline. The returned Mono completes on the
 * producer's I/O thread: callers must move their continuation off it.
 */
public final class KafkaInboundPublisher implements InboundPublisher {

    /** Acks within this long prove the topic's metadata is cached (see {@link InlineSendGuard}). */
    private static final Duration ACK_FRESHNESS = Duration.ofSeconds(1);

    private final KafkaTemplate<String, RelayEvent> kafka;
    private final String topic;
    private final Duration timeout;
    private final InlineSendGuard guard;

    /**
     * @param maxOutstanding records that may be unacknowledged while sends still run on the caller's
     *                       thread: the producer's buffer divided by the largest record (see {@link #maxOutstanding})
     */
    public KafkaInboundPublisher(KafkaTemplate<String, RelayEvent> kafka, String topic, Duration timeout, int maxOutstanding) {
        this(kafka, topic, timeout, new InlineSendGuard(System::nanoTime, ACK_FRESHNESS, maxOutstanding));
    }

    KafkaInboundPublisher(KafkaTemplate<String, RelayEvent> kafka, String topic, Duration timeout, InlineSendGuard guard) {
        this.kafka = kafka;
        this.topic = topic;
        this.timeout = timeout;
        this.guard = guard;
    }

    /** How many records fit the producer's {@code buffer.memory} at the largest size ingress sends. */
    public static int maxOutstanding(long bufferMemoryBytes, long largestRecordBytes) {
        return InlineSendGuard.maxOutstanding(bufferMemoryBytes, largestRecordBytes);
    }

    @Override
    public Mono<Void> publish(MessageReceived event) {
        var record = new ProducerRecord<String, RelayEvent>(topic, event.botId(), event);
        record.headers().add(EventHeaders.TRACE_ID, event.meta().traceId().getBytes(StandardCharsets.UTF_8));
        record.headers().add(EventHeaders.EVENT_TYPE, MessageReceived.TYPE.getBytes(StandardCharsets.UTF_8));
        // Cancelling (timeout, client gone) must not complete the future early: the guard counts real outcomes.
        Mono<SendResult<String, RelayEvent>> sent = Mono.fromFuture(() -> send(record), true);
        // send() can block while it fetches metadata or waits for buffer space: then keep it off Netty's threads.
        return (guard.inlineAllowed() ? sent : sent.subscribeOn(Schedulers.boundedElastic()))
                .timeout(timeout)
                .onErrorMap(e -> new PublishFailedException("inbound publish failed: " + e.getClass().getSimpleName(), e))
                .then();
    }

    private CompletableFuture<SendResult<String, RelayEvent>> send(ProducerRecord<String, RelayEvent> record) {
        guard.sending();
        CompletableFuture<SendResult<String, RelayEvent>> future;
        try {
            future = kafka.send(record);
        } catch (RuntimeException e) {
            guard.completed(false);
            throw e;
        }
        future.whenComplete((result, error) -> guard.completed(error == null));
        return future;
    }
}
