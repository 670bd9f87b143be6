package io.wecomrelay.llm;

import static io.wecomrelay.llm.WorkerTestSupport.text;
import static io.wecomrelay.llm.WorkerTestSupport.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.wecomrelay.llm.tracing.DifyTracePropagation;
import io.wecomrelay.schemas.event.EventSerde;
import io.wecomrelay.schemas.event.MessageAccepted;
import io.wecomrelay.schemas.event.ReplyChunk;
import io.wecomrelay.support.tracing.TraceHeaders;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
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
@SpringBootTest(classes = {LlmWorkerApplication.class, WorkerTracingTest.RecordedSpans.class})
class WorkerTracingTest {

    private static final String PREFIX = "trc";
    private static final String ACCEPTED = PREFIX + ".accepted";
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final WorkerTestSupport.ChunkCollector CHUNKS = WorkerTestSupport.chunks(PREFIX + ".chunks");
    private static final List<SpanData> SPANS = new CopyOnWriteArrayList<>();

    private final Lines lines = new Lines();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        WorkerTestSupport.properties(PREFIX).forEach((key, value) -> registry.add(key, () -> value));
        registry.add("management.tracing.sampling.probability", () -> "1.0");
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class RecordedSpans {
        /** Every ended span, as an exporter would get it (Boot adds SpanProcessor beans to the tracer provider). */
        @Bean
        SpanProcessor recordingSpanProcessor() {
            return new SpanProcessor() {
                @Override
                public void onStart(Context parentContext, ReadWriteSpan span) {
                }

                @Override
                public boolean isStartRequired() {
                    return false;
                }

                @Override
                public void onEnd(ReadableSpan span) {
                    SPANS.add(span.toSpanData());
                }

                @Override
                public boolean isEndRequired() {
                    return true;
                }
            };
        }
    }

    @BeforeEach
    void captureLines() {
        lines.start();
        ((Logger) LoggerFactory.getLogger("io.wecomrelay.llm")).addAppender(lines);
    }

    @AfterEach
    void stopCapturing() {
        ((Logger) LoggerFactory.getLogger("io.wecomrelay.llm")).detachAppender(lines);
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
        assertThat(SPANS).filteredOn(span -> span.getName().equals("llm-worker reply")
                        && span.getTraceId().equals(message.meta().traceId()))
                .singleElement().satisfies(span -> assertThat(dify.getParentSpanId()).isEqualTo(span.getSpanId()));
    }

    private static SpanData awaitDifySpan(MessageAccepted message) {
        await().atMost(WAIT).untilAsserted(() -> assertThat(SPANS).extracting(SpanData::getName, SpanData::getTraceId)
                .anyMatch(tuple -> String.valueOf(tuple.toList().get(0)).startsWith("dify POST")
                        && tuple.toList().get(1).equals(message.meta().traceId())));
        return SPANS.stream()
                .filter(span -> span.getName().startsWith("dify POST") && span.getTraceId().equals(message.meta().traceId()))
                .findFirst().orElseThrow();
    }

    /** As the processor writes it, with a sampled traceparent: the worker's spans are recorded. */
    private static void sendSampled(MessageAccepted message) {
        byte[] value = EventSerde.of(MessageAccepted.class).serialize(ACCEPTED, message);
        var record = new ProducerRecord<String, byte[]>(ACCEPTED, null, message.conversationKey(), value);
        String traceparent = "00-" + message.meta().traceId() + "-" + WorkerTestSupport.DECISION_SPAN_ID + "-01";
        record.headers().add(TraceHeaders.TRACEPARENT, traceparent.getBytes(StandardCharsets.UTF_8));
        WorkerTestSupport.sendRaw(record);
    }

    record Line(String message, String thread, String traceId) {
    }

    /** The worker's lines with the trace id of their log context, read when logged (the MDC is the thread's). */
    static final class Lines extends AppenderBase<ILoggingEvent> {
        private final List<Line> lines = new CopyOnWriteArrayList<>();

        @Override
        protected void append(ILoggingEvent event) {
            lines.add(new Line(event.getFormattedMessage(), event.getThreadName(),
                    String.valueOf(event.getMDCPropertyMap().get("traceId"))));
        }

        List<Line> with(String text) {
            return lines.stream().filter(line -> line.message().contains(text)).toList();
        }
    }
}
