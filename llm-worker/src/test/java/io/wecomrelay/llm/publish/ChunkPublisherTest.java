package io.wecomrelay.llm.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import io.wecomrelay.schemas.event.EventSerde;
import io.wecomrelay.schemas.event.RelayEvent;
import io.wecomrelay.schemas.event.ReplyChunk;
import io.wecomrelay.schemas.testing.Events;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.mock.MockProducerFactory;

/**
 * Acknowledgements completed by hand ({@link MockProducer} without auto-completion): chunks do not
 * wait for each other, but the last one waits for all, and a failed one fails the attempt.
 */
class ChunkPublisherTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final MockProducer<String, RelayEvent> producer =
            new MockProducer<>(false, null, new StringSerializer(), EventSerde.any()) {
                @Override
                public void close(Duration timeout) {
                    // KafkaTemplate closes its producer after each send; a real factory's producer ignores that too
                }
            };
    private final ChunkPublisher publisher =
            new ChunkPublisher(new KafkaTemplate<>(new MockProducerFactory<>(() -> producer)), "chunks", 1024 * 1024);
    /** Never needed here: no failure is final. */
    private static final ChunkPublisher.RefusalNote NO_NOTE = (seq, afterText) -> {
        throw new AssertionError("no chunk is refused for good");
    };

    @Test
    void sendsChunksInOrderWithoutWaitingButTheLastOnlyOnceAllEarlierOnesAreAcknowledged() {
        var outcome = new AtomicReference<String>();
        publisher.publish(Flux.just(chunk(0, false), chunk(1, false), chunk(2, true)), NO_NOTE)
                .subscribe(null, e -> outcome.set("failed " + e.getMessage()), () -> outcome.set("completed"));

        await().atMost(WAIT).until(() -> producer.history().size() == 2);
        assertThat(seqs()).containsExactly(0L, 1L);
        assertThat(producer.history()).allMatch(record -> record.key().equals(chunk(0, false).conversationKey()));

        assertThat(producer.completeNext()).isTrue();
        assertThat(producer.history()).as("the last chunk waits for chunk 1").hasSize(2);
        assertThat(producer.completeNext()).isTrue();
        await().atMost(WAIT).until(() -> producer.history().size() == 3 || outcome.get() != null);
        assertThat(outcome.get()).isNull();
        assertThat(seqs()).containsExactly(0L, 1L, 2L);
        assertThat(outcome.get()).as("done only when the last chunk is acknowledged").isNull();

        assertThat(producer.completeNext()).isTrue();
        await().atMost(WAIT).until(() -> outcome.get() != null);
        assertThat(outcome.get()).isEqualTo("completed");
    }

    @Test
    void aFailedChunkFailsTheAttemptAndTheLastChunkIsNeverSent() {
        var outcome = new AtomicReference<String>();
        var failure = new AtomicReference<Throwable>();
        publisher.publish(Flux.just(chunk(0, false), chunk(1, false), chunk(2, true)), NO_NOTE)
                .subscribe(null, e -> fail(outcome, failure, e), () -> outcome.set("completed"));
        await().atMost(WAIT).until(() -> producer.history().size() == 2);

        assertThat(producer.errorNext(new IllegalStateException("broker gone"))).isTrue();
        assertThat(producer.completeNext()).isTrue();

        await().atMost(WAIT).until(() -> outcome.get() != null);
        assertThat(outcome.get()).isEqualTo("failed");
        assertThat(failure.get()).hasRootCauseMessage("broker gone");
        assertThat(seqs()).as("never the last chunk").containsExactly(0L, 1L);
    }

    @Test
    void aChunkAfterAFailedOneIsNotSent() {
        var outcome = new AtomicReference<String>();
        var failure = new AtomicReference<Throwable>();
        Sinks.Many<ReplyChunk> chunks = Sinks.many().unicast().onBackpressureBuffer();
        publisher.publish(chunks.asFlux(), NO_NOTE).subscribe(null, e -> fail(outcome, failure, e), () -> outcome.set("completed"));
        chunks.tryEmitNext(chunk(0, false));
        await().atMost(WAIT).until(() -> producer.history().size() == 1);
        assertThat(producer.errorNext(new IllegalStateException("broker gone"))).isTrue();

        chunks.tryEmitNext(chunk(1, false));

        await().atMost(WAIT).until(() -> outcome.get() != null);
        assertThat(outcome.get()).isEqualTo("failed");
        assertThat(failure.get()).hasRootCauseMessage("broker gone");
        assertThat(seqs()).containsExactly(0L);
    }

    private static void fail(AtomicReference<String> outcome, AtomicReference<Throwable> failure, Throwable e) {
        failure.set(e);
        outcome.set("failed");
    }

    private List<Long> seqs() {
        return producer.history().stream().map(ProducerRecord::value).map(event -> ((ReplyChunk) event).seq()).toList();
    }

    private static ReplyChunk chunk(long seq, boolean last) {
        return Events.chunk("bot-1", "msg-1", 1, seq, "text " + seq, last);
    }
}
