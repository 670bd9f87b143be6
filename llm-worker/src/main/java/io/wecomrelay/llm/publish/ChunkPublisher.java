package io.wecomrelay.llm.publish;

import java.nio.charset.StandardCharsets;

import io.wecomrelay.schemas.event.EventHeaders;
import io.wecomrelay.schemas.event.RelayEvent;
import io.wecomrelay.schemas.event.ReplyChunk;
import org.apache.kafka.clients.producer.ProducerRecord;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Publishes the chunks of one reply attempt to {@code wecom.chunks}, keyed by stream id, with the
 * trace id and event type headers.
 * <p>
 * A chunk is sent as soon as it is made, without waiting for the previous chunk's acknowledgement:
 * under load an acknowledgement takes long enough that waiting for each one in turn queued the
 * chunks of every reply behind each other and kept the reply's slot busy. Order is still kept:
 * the chunks are handed to the producer one after the other, and the idempotent producer
 * ({@code enable.idempotence}, at most 5 requests in flight per connection) writes a partition's
 * records in the order they were sent, even across retries. What waiting bought is kept too:
 * <ul>
 * <li>the last chunk is sent only once every earlier chunk is acknowledged, so the responder can
 *     never finish a stream whose text lacks a chunk;</li>
 * <li>a failed chunk fails the attempt (at the next chunk, before the last one or at the end), so
 *     it is redone with the next attempt number, whose chunks replace this attempt's;</li>
 * <li>the returned Mono completes only when every chunk is acknowledged.</li>
 * </ul>
 */
public final class ChunkPublisher {

    private final KafkaTemplate<String, RelayEvent> template;
    private final String topic;

    public ChunkPublisher(KafkaTemplate<String, RelayEvent> template, String topic) {
        this.template = template;
        this.topic = topic;
    }

    /**
     * Publishes the attempt's chunks in order; completes when Kafka acknowledged all of them (acks=all),
     * fails when one could not be written.
     */
    public Mono<Void> publish(Flux<ReplyChunk> chunks) {
        return Mono.defer(() -> {
            var acks = new PendingAcks();
            return chunks.concatMap(chunk -> (chunk.last() ? acks.all() : acks.failure()).then(send(chunk, acks)))
                    .then(Mono.defer(acks::all))
                    // acknowledgements complete on the producer's only I/O thread: continue elsewhere
                    .publishOn(Schedulers.parallel());
        });
    }

    /** Completes once the producer took the chunk (its acknowledgement goes to {@code acks}). */
    private Mono<Void> send(ReplyChunk chunk, PendingAcks acks) {
        return Mono.<Void>fromRunnable(() -> acks.add(template.send(record(chunk))))
                // send() can block on metadata or a full buffer: keep that off event-loop threads
                .subscribeOn(Schedulers.boundedElastic());
    }

    private ProducerRecord<String, RelayEvent> record(ReplyChunk chunk) {
        var record = new ProducerRecord<String, RelayEvent>(topic, chunk.streamId(), chunk);
        record.headers().add(EventHeaders.TRACE_ID, chunk.meta().traceId().getBytes(StandardCharsets.UTF_8));
        record.headers().add(EventHeaders.EVENT_TYPE, ReplyChunk.TYPE.getBytes(StandardCharsets.UTF_8));
        return record;
    }
}
