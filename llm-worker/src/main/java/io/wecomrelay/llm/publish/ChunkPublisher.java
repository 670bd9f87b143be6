package io.wecomrelay.llm.publish;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

import io.wecomrelay.schemas.bot.BotConfig;
import io.wecomrelay.schemas.event.EventHeaders;
import io.wecomrelay.schemas.event.RelayEvent;
import io.wecomrelay.schemas.event.ReplyChunk;
import io.wecomrelay.support.tracing.RelayTracing;
import io.wecomrelay.support.tracing.TraceLog;
import io.wecomrelay.support.tracing.TraceHeaders;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Publishes the chunks of one reply attempt to {@code wecom.chunks}, keyed by conversation key, with
 * the trace context ({@code traceparent}) and event type headers. On the preview route {@code redis} (the default)
 * only the last chunk of a streaming or actively delivering bot goes there, carrying the whole answer; the chunks
 * before it are folded into the stream by the worker, or dropped when nobody sees them ({@link Previews}).
 * <p>
 * The conversation key puts every reply of one conversation on one partition, in the order the worker
 * made them (one reply per conversation at a time, the next only once the previous one's chunks are all
 * acknowledged). The responder folds a partition in order, so it finishes, and queues for active delivery,
 * a conversation's replies in the order its messages came: a responder that dies holds back all of them,
 * never only the earlier ones (with stream ids as keys a group's later replies overtook earlier ones).
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
 * Records never exceed what the producer accepts: a chunk whose record would be larger than
 * {@code maxRecordBytes} is cut into several ({@link ChunkSplitter}). A chunk Kafka still refuses for
 * good ({@link Refusals}: too large for the topic, invalid) is not redone, since every redo would be
 * refused alike: the reply is finished at once with a note, after the chunks already sent. When the note
 * is refused too, the attempt fails with {@link ReplyRefusedException} and the message is dead-lettered.
 */
public final class ChunkPublisher {

    private static final Logger log = LoggerFactory.getLogger(ChunkPublisher.class);
    /** Any traceparent: they are all 55 characters. */
    private static final String SIZED_TRACEPARENT = "00-" + "1".repeat(32) + "-" + "1".repeat(16) + "-00";

    /** Makes the chunk that finishes a reply Kafka refused a chunk of. */
    public interface RefusalNote {
        /**
         * @param seq       its sequence number: after every chunk made so far
         * @param afterText whether Kafka acknowledged a chunk of the reply before
         */
        ReplyChunk at(long seq, boolean afterText);
    }

    private final KafkaTemplate<String, RelayEvent> template;
    private final String topic;
    private final long maxRecordBytes;
    private final PreviewRoute route;
    private final @Nullable PreviewStore previews;
    private final RecordSizes sizes = new RecordSizes(this::record);

    /** Every chunk to Kafka, whatever the bot ({@link PreviewRoute#CHUNKS}). */
    public ChunkPublisher(KafkaTemplate<String, RelayEvent> template, String topic, long maxRecordBytes) {
        this(template, topic, maxRecordBytes, PreviewRoute.CHUNKS, null);
    }

    /**
     * @param maxRecordBytes the largest chunk record (key, value and headers): the producer's
     *                       {@code max.request.size} less room for the record's framing
     * @param previews       where previews go on the route {@link PreviewRoute#REDIS}; required for it
     */
    public ChunkPublisher(KafkaTemplate<String, RelayEvent> template, String topic, long maxRecordBytes,
                          PreviewRoute route, @Nullable PreviewStore previews) {
        if (route == PreviewRoute.REDIS && previews == null) {
            throw new IllegalArgumentException("the preview route redis needs a preview store");
        }
        this.template = template;
        this.topic = topic;
        this.maxRecordBytes = maxRecordBytes;
        this.route = route;
        this.previews = previews;
    }

    /** {@link #publish(Flux, Previews, RefusalNote)} with every chunk to Kafka. */
    public Mono<Void> publish(Flux<ReplyChunk> chunks, RefusalNote refusal) {
        return publish(chunks, Previews.CHUNKS, refusal);
    }

    /** {@link #publish(Flux, Previews, RefusalNote)} with the previews the route and the bot ask for. */
    public Mono<Void> publish(Flux<ReplyChunk> chunks, @Nullable BotConfig bot, RefusalNote refusal) {
        return publish(chunks, Previews.of(route, bot), refusal);
    }

    /**
     * Publishes the attempt's chunks in order, its previews where {@code previews} says; completes when Kafka
     * acknowledged all of them (acks=all), or, after a chunk was refused for good, the note that finishes the reply.
     * Fails when a chunk could not be written for another reason (the attempt is to be redone), or with
     * {@link ReplyRefusedException}. A preview that could not go to Redis fails nothing ({@link AttemptPreviews}).
     */
    public Mono<Void> publish(Flux<ReplyChunk> chunks, Previews previews, RefusalNote refusal) {
        return Mono.deferContextual(context -> {
            var acks = new PendingAcks();
            var splitter = new ChunkSplitter(sizes, maxRecordBytes);
            String traceparent = context.getOrDefault(RelayTracing.CONTEXT_KEY, null);
            Flux<ReplyChunk> records = switch (previews) {
                case CHUNKS -> chunks;
                case REDIS -> new AttemptPreviews(Objects.requireNonNull(this.previews, "no preview store"), traceparent)
                        .lastOnly(chunks);
                case NONE -> new AttemptPreviews(null, traceparent).lastOnly(chunks);
            };
            return records.concatMapIterable(splitter::split)
                    .concatMap(chunk -> (chunk.last() ? acks.all() : acks.failure()).then(send(chunk, acks)))
                    .then(Mono.defer(acks::all))
                    .onErrorResume(Refusals::isFinal,
                            error -> finishRefused(refusal.at(splitter.nextSeq(), acks.anySucceeded()), error,
                                    context.getOrDefault(RelayTracing.CONTEXT_KEY, null)))
                    // acknowledgements complete on the producer's only I/O thread: continue elsewhere
                    .publishOn(Schedulers.parallel());
        });
    }

    /** Sends the note and waits for it; chunks sent before it stay before it on the partition. */
    private Mono<Void> finishRefused(ReplyChunk note, Throwable refused, @Nullable String traceparent) {
        try (var trace = TraceLog.of(traceparent)) {
            log.warn("chunk refused by Kafka, finishing the reply with a note streamId={} attempt={} seq={} cause={}",
                    note.streamId(), note.attempt(), note.seq(), Refusals.describe(refused));
        }
        var acks = new PendingAcks();
        return send(note, acks)
                .then(Mono.defer(acks::all))
                .onErrorMap(error -> new ReplyRefusedException(note.streamId(), error));
    }

    /** Completes once the producer took the chunk (its acknowledgement goes to {@code acks}). */
    private Mono<Void> send(ReplyChunk chunk, PendingAcks acks) {
        return Mono.deferContextual(context -> Mono.<Void>fromRunnable(
                        () -> acks.add(template.send(record(chunk, context.getOrDefault(RelayTracing.CONTEXT_KEY, null))))))
                // send() can block on metadata or a full buffer: keep that off event-loop threads
                .subscribeOn(Schedulers.boundedElastic());
    }

    /** The record as sized. */
    private ProducerRecord<String, RelayEvent> record(ReplyChunk chunk) {
        return record(chunk, SIZED_TRACEPARENT);
    }

    /**
     * With the traceparent of the reply's span (from the Reactor context), else one continuing the chunk's trace id.
     */
    private ProducerRecord<String, RelayEvent> record(ReplyChunk chunk, @Nullable String traceparent) {
        var record = new ProducerRecord<String, RelayEvent>(topic, chunk.conversationKey(), chunk);
        TraceHeaders.carry(record.headers(), traceparent, chunk.meta().traceId());
        record.headers().add(EventHeaders.EVENT_TYPE, ReplyChunk.TYPE.getBytes(StandardCharsets.UTF_8));
        return record;
    }
}
