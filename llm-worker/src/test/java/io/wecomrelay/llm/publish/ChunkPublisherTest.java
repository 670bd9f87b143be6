package io.wecomrelay.llm.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import io.wecomrelay.schemas.bot.AuthPolicy;
import io.wecomrelay.schemas.bot.BotConfig;
import io.wecomrelay.schemas.bot.DifyApp;
import io.wecomrelay.schemas.bot.Secret;
import io.wecomrelay.schemas.bot.ReplyMode;
import io.wecomrelay.schemas.event.Channel;
import io.wecomrelay.schemas.event.ChunkKind;
import io.wecomrelay.schemas.event.EventSerde;
import io.wecomrelay.schemas.event.RelayEvent;
import io.wecomrelay.schemas.event.ReplyChunk;
import io.wecomrelay.schemas.testing.Events;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
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

    @Test
    void withoutPreviewsOnlyTheLastChunkGoesOutCarryingTheWholeAnswer() {
        var outcome = new AtomicReference<String>();
        publisher.publish(Flux.just(chunk(0, false), chunk(1, false).replacing("moderated"), chunk(2, false), chunk(3, true)),
                Previews.NONE, NO_NOTE).subscribe(null, e -> outcome.set("failed " + e), () -> outcome.set("completed"));

        await().atMost(WAIT).until(() -> producer.history().size() == 1);
        ReplyChunk last = (ReplyChunk) producer.history().get(0).value();
        assertThat(last.seq()).isEqualTo(3);
        assertThat(last.last()).isTrue();
        assertThat(last.kind()).isEqualTo(ChunkKind.REPLACE);
        assertThat(last.text()).isEqualTo("moderatedtext 2text 3");
        assertThat(producer.completeNext()).isTrue();
        await().atMost(WAIT).until(() -> outcome.get() != null);
        assertThat(outcome.get()).isEqualTo("completed");
    }

    @Test
    void previewsAreFoldedOneAfterTheOtherAndTheLastChunkWaitsForThem() {
        var store = new HeldStore();
        var outcome = new AtomicReference<String>();
        previewing(store).publish(Flux.just(chunk(0, false), chunk(1, false), chunk(2, true)), Previews.REDIS, NO_NOTE)
                .subscribe(null, e -> outcome.set("failed " + e), () -> outcome.set("completed"));

        await().atMost(WAIT).until(() -> store.folds.size() == 1);
        assertThat(store.folds).as("the next preview waits for the fold of this one").hasSize(1);
        store.complete();
        await().atMost(WAIT).until(() -> store.folds.size() == 2);
        assertThat(producer.history()).as("the last chunk waits for the last preview's fold").isEmpty();
        store.complete();

        await().atMost(WAIT).until(() -> producer.history().size() == 1);
        assertThat(store.folds).extracting(ReplyChunk::seq, ReplyChunk::kind, ReplyChunk::text)
                .containsExactly(tuple(0L, ChunkKind.APPEND, "text 0"), tuple(1L, ChunkKind.APPEND, "text 1"));
        ReplyChunk last = (ReplyChunk) producer.history().get(0).value();
        assertThat(last.seq()).isEqualTo(2);
        assertThat(last.kind()).isEqualTo(ChunkKind.REPLACE);
        assertThat(last.text()).isEqualTo("text 0text 1text 2");
        assertThat(producer.completeNext()).isTrue();
        await().atMost(WAIT).until(() -> outcome.get() != null);
        assertThat(outcome.get()).isEqualTo("completed");
    }

    @Test
    void aPreviewThatCannotBeFoldedFailsNothingAndTheNextOneReplacesTheText() {
        var store = new HeldStore();
        var outcome = new AtomicReference<String>();
        previewing(store).publish(Flux.just(chunk(0, false), chunk(1, false), chunk(2, false), chunk(3, true)),
                Previews.REDIS, NO_NOTE).subscribe(null, e -> outcome.set("failed " + e), () -> outcome.set("completed"));

        await().atMost(WAIT).until(() -> store.folds.size() == 1);
        store.complete();
        await().atMost(WAIT).until(() -> store.folds.size() == 2);
        store.fail();
        await().atMost(WAIT).until(() -> store.folds.size() == 3);
        store.complete();

        await().atMost(WAIT).until(() -> producer.history().size() == 1);
        assertThat(store.folds.get(2).kind()).as("after the failed preview").isEqualTo(ChunkKind.REPLACE);
        assertThat(store.folds.get(2).text()).isEqualTo("text 0text 1text 2");
        assertThat(((ReplyChunk) producer.history().get(0).value()).text()).isEqualTo("text 0text 1text 2text 3");
        assertThat(producer.completeNext()).isTrue();
        await().atMost(WAIT).until(() -> outcome.get() != null);
        assertThat(outcome.get()).isEqualTo("completed");
    }

    @Test
    void theRouteDecidesByTheBot() {
        BotConfig streaming = bot(ReplyMode.PASSIVE_STREAM, Channel.CALLBACK);
        assertThat(Previews.of(PreviewRoute.REDIS, streaming)).isEqualTo(Previews.REDIS);
        assertThat(Previews.of(PreviewRoute.REDIS, bot(ReplyMode.STREAM_WITH_TEMPLATE_CARD, Channel.CALLBACK)))
                .isEqualTo(Previews.REDIS);
        assertThat(Previews.of(PreviewRoute.REDIS, bot(ReplyMode.WEBHOOK, Channel.CALLBACK))).isEqualTo(Previews.NONE);
        assertThat(Previews.of(PreviewRoute.REDIS, bot(ReplyMode.RESPONSE_URL, Channel.CALLBACK)))
                .isEqualTo(Previews.NONE);
        assertThat(Previews.of(PreviewRoute.REDIS, bot(ReplyMode.PASSIVE_STREAM, Channel.LONG_CONNECTION)))
                .as("the responder tells the connector of each change").isEqualTo(Previews.CHUNKS);
        assertThat(Previews.of(PreviewRoute.REDIS, null)).as("a bot the bots file does not know").isEqualTo(Previews.CHUNKS);
        assertThat(Previews.of(PreviewRoute.CHUNKS, streaming)).isEqualTo(Previews.CHUNKS);
    }

    private static BotConfig bot(ReplyMode mode, Channel connection) {
        return new BotConfig("b", new Secret("t"), new Secret("k"), mode,
                new DifyApp(URI.create("http://127.0.0.1:5001/v1"), new Secret("app-k")), null, null, null, null, "p", null,
                20, AuthPolicy.OPEN, false, Map.of(), connection,
                connection == Channel.LONG_CONNECTION ? new Secret("s") : null, null, null);
    }

    private ChunkPublisher previewing(PreviewStore store) {
        return new ChunkPublisher(new KafkaTemplate<>(new MockProducerFactory<>(() -> producer)), "chunks", 1024 * 1024,
                PreviewRoute.REDIS, store);
    }

    /** Folds completed or failed by hand, in the order they came. */
    private static final class HeldStore implements PreviewStore {
        final List<ReplyChunk> folds = new CopyOnWriteArrayList<>();
        private final Queue<Sinks.Empty<Void>> pending = new ConcurrentLinkedQueue<>();

        @Override
        public Mono<Void> fold(ReplyChunk preview) {
            Sinks.Empty<Void> done = Sinks.empty();
            pending.add(done);
            folds.add(preview);
            return done.asMono();
        }

        void complete() {
            pending.remove().tryEmitEmpty();
        }

        void fail() {
            pending.remove().tryEmitError(new IllegalStateException("redis gone"));
        }
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
