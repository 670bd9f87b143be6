package io.wecomrelay.responder.delivery;

import java.nio.charset.StandardCharsets;

import io.wecomrelay.schemas.event.DeliveryChannel;
import io.wecomrelay.schemas.event.DeliveryFailure;
import io.wecomrelay.schemas.topic.TopicSpec;
import io.wecomrelay.support.deadletter.DeadLetterScheme;
import io.wecomrelay.support.tracing.TraceHeaders;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.jspecify.annotations.Nullable;
import io.wecomrelay.support.tracing.TraceLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.kafka.core.KafkaOperations;

/**
 * The dead letters of replies that cannot be delivered: sends the event that finished an undeliverable reply to its topic's dead-letter topic, with the
 * headers every service writes ({@link DeadLetterScheme}: a {@link DeliveryFailedException} carrying the
 * reason, the source topic, service, time; no partition or offset, since the reply is written again from
 * its source event), plus {@code delivery-channel}, {@code delivery-failure} and {@code delivery-errcode}.
 */
public final class UndeliverableReplies {

    public static final String CHANNEL_HEADER = "delivery-channel";
    public static final String ERRCODE_HEADER = "delivery-errcode";
    public static final String FAILURE_HEADER = "delivery-failure";

    private static final Logger log = LoggerFactory.getLogger(UndeliverableReplies.class);

    private final KafkaOperations<String, Object> kafka;
    private final DeadLetterScheme scheme;

    public UndeliverableReplies(KafkaOperations<String, Object> kafka, DeadLetterScheme scheme) {
        this.kafka = kafka;
        this.scheme = scheme;
    }

    /**
     * Completes when the broker acknowledged the dead letter; errors when it could not be written.
     *
     * @param reason secret-free explanation, the header {@code dlt-message}
     */
    public Mono<Void> deadLetter(FinishedReply reply, DeliveryChannel channel, DeliveryFailure failure, String reason,
                                 @Nullable Integer errcode) {
        String topic = reply.sourceTopic() + TopicSpec.DEAD_LETTER_SUFFIX;
        var record = new ProducerRecord<String, Object>(topic, reply.streamId(), reply.source());
        Headers headers = record.headers();
        var failed = new DeliveryFailedException(reason);
        scheme.headers(failed, reply.sourceTopic()).forEach(headers::add);
        put(headers, CHANNEL_HEADER, channel.name());
        put(headers, FAILURE_HEADER, failure.name());
        TraceHeaders.carry(headers, null, reply.traceId());
        if (errcode != null) {
            put(headers, ERRCODE_HEADER, errcode.toString());
        }
        try (var trace = TraceLog.ofTraceId(reply.traceId())) {
            log.warn("dead-lettered undeliverable reply streamId={} botId={} channel={} failure={} errcode={} reason={}",
                    reply.streamId(), reply.botId(), channel, failure, errcode, reason);
        }
        return Mono.fromFuture(() -> kafka.send(record))
                // send() may block for metadata; never on the producer's own network thread (where the
                // previous record's future completes), which would wait for itself until max.block.ms
                .subscribeOn(Schedulers.boundedElastic()).then()
                .doOnSuccess(done -> scheme.counted(reply.sourceTopic(), failed))
                .doOnError(e -> {
                    try (var trace = TraceLog.ofTraceId(reply.traceId())) {
                        log.error("cannot dead-letter streamId={} cause={}", reply.streamId(), e.toString());
                    }
                });
    }

    private static void put(Headers headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
