package io.wecomrelay.ingress.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.netty.util.HashedWheelTimer;
import io.wecomrelay.schemas.event.RelayEvent;
import io.wecomrelay.schemas.testing.Events;
import io.wecomrelay.support.tracing.RelayTracing;
import io.wecomrelay.support.tracing.TraceHeaders;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;
import reactor.test.StepVerifier;
import reactor.util.context.Context;

/** The send, made off the caller's thread, and its deadline, timed on a wheel: no ack in time is a failed publish. */
class KafkaInboundPublisherTest {

    static final Duration TIMEOUT = Duration.ofMillis(100);

    final HashedWheelTimer wheel = new HashedWheelTimer(5, TimeUnit.MILLISECONDS);
    final List<ProducerRecord<String, RelayEvent>> sent = new CopyOnWriteArrayList<>();
    final List<String> sentOn = new CopyOnWriteArrayList<>();
    final CompletableFuture<SendResult<String, RelayEvent>> ack = new CompletableFuture<>();

    /** A template that records what it is given and acknowledges through {@link #ack}; it never connects. */
    final KafkaTemplate<String, RelayEvent> kafka = new KafkaTemplate<>(new DefaultKafkaProducerFactory<>(Map.of())) {
        @Override
        public CompletableFuture<SendResult<String, RelayEvent>> send(ProducerRecord<String, RelayEvent> record) {
            sent.add(record);
            sentOn.add(Thread.currentThread().getName());
            return ack;
        }
    };

    final KafkaInboundPublisher publisher = new KafkaInboundPublisher(kafka, "wecom.inbound", TIMEOUT, wheel);

    @AfterEach
    void stop() {
        wheel.stop();
    }

    @Test
    void anAckWithinTheBoundCompletesThePublishOfARecordCarryingTheSpanOfTheContext() {
        String traceparent = TraceHeaders.seeded("4bf92f3577b34da6a3ce929d0e0e4736", true);
        ack.complete(null);

        StepVerifier.create(publisher.publish(Events.received("bot-a", "m1", Events.T0))
                        .contextWrite(Context.of(RelayTracing.CONTEXT_KEY, traceparent)))
                .verifyComplete();

        assertThat(sent).singleElement().satisfies(record -> {
            assertThat(record.key()).isEqualTo("bot-a");
            assertThat(TraceHeaders.traceparent(record.headers())).isEqualTo(traceparent);
        });
        assertThat(sentOn).singleElement().satisfies(thread -> assertThat(thread).startsWith("boundedElastic"));
    }

    @Test
    void noAckWithinTheBoundIsAFailedPublishAndTheWaitForItIsGivenUp() {
        StepVerifier.create(publisher.publish(Events.received("bot-a", "m2", Events.T0)))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(PublishFailedException.class)
                        .hasCauseInstanceOf(TimeoutException.class)
                        .hasMessage("inbound publish failed: TimeoutException"))
                .verify(Duration.ofSeconds(5));

        assertThat(sent).hasSize(1);
        await().atMost(Duration.ofSeconds(5)).until(ack::isCancelled);
    }
}
