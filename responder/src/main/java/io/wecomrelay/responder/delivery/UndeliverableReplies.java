package io.wecomrelay.responder.delivery;

import java.nio.charset.StandardCharsets;

import io.micrometer.core.instrument.MeterRegistry;
import io.wecomrelay.schemas.event.DeliveryChannel;
import io.wecomrelay.schemas.event.DeliveryFailure;
import io.wecomrelay.schemas.event.EventHeaders;
import io.wecomrelay.schemas.topic.TopicSpec;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.support.KafkaHeaders;

/**
 * The dead letters of replies that cannot be delivered: sends the event that finished such a reply to
 * its topic's dead-letter topic, with the reason in the same headers spring-kafka's
 * {@code DeadLetterPublishingRecoverer} uses, plus {@code delivery-channel}, {@code delivery-failure} and
 * {@code delivery-errcode}. (Records the listeners cannot process are dead-lettered by the listener
 * containers' error handler instead.)
 */
public final class UndeliverableReplies {

    public static final String CHANNEL_HEADER = "delivery-channel";
    public static final String ERRCODE_HEADER = "delivery-errcode";
    public static final String FAILURE_HEADER = "delivery-failure";

    private static final Logger log = LoggerFactory.getLogger(UndeliverableReplies.class);

    private final KafkaOperations<String, Object> kafka;
    private final MeterRegistry meters;

    public UndeliverableReplies(KafkaOperations<String, Object> kafka, MeterRegistry meters) {
        this.kafka = kafka;
        this.meters = meters;
    }

    /**
     * Completes when the broker acknowledged the dead letter; errors when it could not be written.
     *
     * @param reason secret-free explanation, the header {@code kafka_dlt-exception-message}
     */
    public Mono<Void> deadLetter(FinishedReply reply, DeliveryChannel channel, DeliveryFailure failure, String reason,
                                 @Nullable Integer errcode) {
        String topic = reply.sourceTopic() + TopicSpec.DEAD_LETTER_SUFFIX;
        var record = new ProducerRecord<String, Object>(topic, reply.streamId(), reply.source());
        Headers headers = record.headers();
        put(headers, KafkaHeaders.DLT_ORIGINAL_TOPIC, reply.sourceTopic());
        put(headers, KafkaHeaders.DLT_EXCEPTION_FQCN, DeliveryFailedException.class.getName());
        put(headers, KafkaHeaders.DLT_EXCEPTION_MESSAGE, reason);
        put(headers, CHANNEL_HEADER, channel.name());
        put(headers, FAILURE_HEADER, failure.name());
        put(headers, EventHeaders.TRACE_ID, reply.traceId());
        if (errcode != null) {
            put(headers, ERRCODE_HEADER, errcode.toString());
        }
        meters.counter("responder.dlt", "topic", topic, "cause", "delivery").increment();
        log.warn("dead-lettered undeliverable reply streamId={} botId={} channel={} failure={} errcode={} reason={}",
                reply.streamId(), reply.botId(), channel, failure, errcode, reason);
        return Mono.fromFuture(() -> kafka.send(record))
                // send() may block for metadata; never on the producer's own network thread (where the
                // previous record's future completes), which would wait for itself until max.block.ms
                .subscribeOn(Schedulers.boundedElastic()).then()
                .doOnError(e -> log.error("cannot dead-letter streamId={} cause={}", reply.streamId(), e.toString()));
    }

    private static void put(Headers headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
