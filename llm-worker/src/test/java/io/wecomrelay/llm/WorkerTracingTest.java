package io.wecomrelay.llm;

import static io.wecomrelay.llm.WorkerTestSupport.text;
import static io.wecomrelay.llm.WorkerTestSupport.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.wecomrelay.llm.tracing.DifyTracePropagation;
import io.wecomrelay.schemas.event.EventSerde;
import io.wecomrelay.schemas.event.MessageAccepted;
import io.wecomrelay.schemas.event.ReplyChunk;
import io.wecomrelay.support.tracing.TraceHeaders;
import io.wecomrelay.testkit.CapturedLines;
import io.wecomrelay.testkit.RecordedSpans;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The worker's part of a message's trace with spans recorded (sampled, as with an OTLP endpoint), against the Dify
 * simulator, the in-JVM broker and a real Redis: the Dify request's span lasts as long as the answer's stream, and
 * the lines the worker logs on Lettuce's, Netty's and the scheduler's threads (after the Dify call, in the stream's
 * handling) carry the message's trace id.
 */
@SpringBootTest(classes = {LlmWorkerApplication.class, WorkerTracingTest.SpansOfTheWorker.class})
class WorkerTracingTest {

    private static final String PREFIX = "trc";
    private static final String ACCEPTED = PREFIX + ".accepted";
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final WorkerTestSupport.ChunkCollector CHUNKS = WorkerTestSupport.chunks(PREFIX + ".chunks");
    private static final RecordedSpans SPANS = new RecordedSpans();

    private CapturedLines lines;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        WorkerTestSupport.properties(PREFIX).forEach((key, value) -> registry.add(key, () -> value));
        registry.add("management.tracing.sampling.probability", () -> "1.0");
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class SpansOfTheWorker {
        @Bean
        RecordedSpans recordedSpans() {
            return SPANS;
        }
    }

    @BeforeEach
    void captureLines() {
        lines = CapturedLines.attachTo("io.wecomrelay.llm");
    }

    @AfterEach
    void stopCapturing() {
        lines.detach();
    }

    @Test
    void theDifySpanLastsUntilTheStreamsErrorEventAndTheLinesAfterTheDifyCallCarryTheTrace() {
        var message = text(user(), "出错 [sim:error-mid,deltas=6,delay-ms=50]");
        sendSampled(message);

        var reply = CHUNKS.awaitReply(message);
        assertThat(reply.last().error()).isNotNull();
        SpanData dify = awaitDifySpan(message);

        assertThat(dify.getAttributes().get(AttributeKey.stringKey(DifyTracePropagation.OUTCOME))).isEqualTo("error");
        ReplyChunk first = reply.chunks().get(0);
        assertThat(TimeUnit.NANOSECONDS.toMillis(dify.getEndEpochNanos()))
                .as("ended after the first delta came, not with the response's headers")
                .isGreaterThanOrEqualTo(first.meta().occurredAt().toEpochMilli());
        String traceId = message.meta().traceId();
        // logged on Lettuce's/the scheduler's thread after the attempt's start, and on Netty's for the error event
        assertThat(lines.with("reply start streamId=" + message.streamId())).isNotEmpty()
                .allSatisfy(line -> assertThat(line.traceId()).isEqualTo(traceId));
        await().atMost(WAIT).untilAsserted(() -> assertThat(lines.with("dify error event")).isNotEmpty()
                .allSatisfy(line -> assertThat(line.traceId()).isEqualTo(traceId)));
    }

    @Test
    void theDifySpanOfAnAnswerEndsWithItsMessageEnd() {
        var message = text(user(), "你好 [sim:deltas=4,delay-ms=50]");
        sendSampled(message);

        var reply = CHUNKS.awaitReply(message);
        assertThat(reply.last().error()).isNull();
        SpanData dify = awaitDifySpan(message);

        assertThat(dify.getAttributes().get(AttributeKey.stringKey(DifyTracePropagation.OUTCOME))).isEqualTo("message_end");
        assertThat(TimeUnit.NANOSECONDS.toMillis(dify.getEndEpochNanos()))
                .isGreaterThanOrEqualTo(reply.chunks().get(0).meta().occurredAt().toEpochMilli());
        assertThat(SPANS.all("llm-worker reply", message.meta().traceId())).singleElement().satisfies(span -> assertThat(dify.getParentSpanId()).isEqualTo(span.getSpanId()));
    }

    private static SpanData awaitDifySpan(MessageAccepted message) {
        return await().atMost(WAIT).until(() -> SPANS.find("dify POST", message.meta().traceId()), Optional::isPresent)
                .orElseThrow();
    }

    /** As the processor writes it, with a sampled traceparent: the worker's spans are recorded. */
    private static void sendSampled(MessageAccepted message) {
        byte[] value = EventSerde.of(MessageAccepted.class).serialize(ACCEPTED, message);
        var record = new ProducerRecord<String, byte[]>(ACCEPTED, null, message.conversationKey(), value);
        String traceparent = "00-" + message.meta().traceId() + "-" + WorkerTestSupport.DECISION_SPAN_ID + "-01";
        record.headers().add(TraceHeaders.TRACEPARENT, traceparent.getBytes(StandardCharsets.UTF_8));
        WorkerTestSupport.sendRaw(record);
    }
}
