package io.wecomrelay.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.wecomrelay.schemas.event.MessageReceived;
import io.wecomrelay.schemas.ids.StreamIds;
import io.wecomrelay.sim.wecomws.LongConnectionSimulator;
import io.wecomrelay.sim.wecomws.LongConnectionSimulator.Injected;
import io.wecomrelay.sim.wecomws.ReceivedFrame;
import io.wecomrelay.testkit.CapturedLines;
import io.wecomrelay.testkit.RecordedSpans;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The connector's part of a long-connection message's trace, with spans recorded (sampled, as with an OTLP
 * endpoint), against the real broker, real Redis and the long-connection simulator: the receipt is the trace's first
 * span and its record carries it; the reply frames are a span under the traceparent of the responder's notice (the
 * processor's, worker's and responder's spans stand between them: here a made-up span id), and the lines about the
 * stream carry the trace id.
 */
class ConnectorTracingTest {

    static final String BOT = "ws-trace-bot";
    /** The span the responder's notice continues (in the stack: the worker's reply span, under the decision's). */
    static final String RESPONDER_PARENT = "b7ad6b7169203331";
    static final LongConnectionSimulator WECOM = LongConnectionSimulator.start();
    static final RecordedSpans SPANS = new RecordedSpans();
    static CapturedLines lines;
    static ConnectorHarness harness;

    @BeforeAll
    static void start() {
        Path botsFile = ConnectorHarness.botsFile(WECOM, List.of(BOT), "");
        harness = new ConnectorHarness();
        harness.instance(botsFile, WECOM, "--management.tracing.sampling.probability=1.0",
                "--spring.main.sources=" + RecordedSpansOfTheConnector.class.getName());
        lines = CapturedLines.attachTo("io.wecomrelay.connector");
    }

    @AfterAll
    static void stop() {
        lines.detach();
        harness.close();
        WECOM.close();
    }

    @Test
    void aLongConnectionMessageIsOneTraceFromItsReceiptToItsReplyFrames() {
        await().atMost(ConnectorHarness.WAIT).until(() -> WECOM.subscribed(BOT));
        Injected message = WECOM.sendText(BOT, "lisi", "追踪");

        MessageReceived event = harness.awaitReceived(message);
        String traceId = event.meta().traceId();
        SpanData receipt = awaitSpan("connector inbound", traceId);
        assertThat(receipt.getParentSpanContext().isValid()).as("the message's trace starts here").isFalse();
        // sampled (flag 01; OpenTelemetry adds 02, its trace ids being random)
        assertThat(harness.traceparentOf(message)).matches("00-" + traceId + "-" + receipt.getSpanId() + "-0[13]");

        String streamId = StreamIds.of(BOT, message.msgId());
        harness.fold(BOT, streamId, "追踪的回答", true, "00-" + traceId + "-" + RESPONDER_PARENT + "-01");
        await().atMost(ConnectorHarness.WAIT).until(() -> ConnectorHarness.streamFrames(WECOM, message.reqId()).stream()
                .anyMatch(ReceivedFrame::finished));

        SpanData reply = awaitSpan("connector reply", traceId);
        assertThat(reply.getParentSpanId()).isEqualTo(RESPONDER_PARENT);
        assertThat(reply.getAttributes().get(AttributeKey.stringKey("relay.outcome"))).isEqualTo("finished");
        assertThat(reply.getAttributes().get(AttributeKey.longKey("relay.frames"))).isPositive();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(lines.with("accepted bot=" + BOT + " msgId=" + message.msgId())).isNotEmpty()
                    .allSatisfy(line -> assertThat(line.traceId()).isEqualTo(traceId));
            assertThat(lines.with("stream finished on the long connection bot=" + BOT + " streamId=" + streamId))
                    .isNotEmpty().allSatisfy(line -> assertThat(line.traceId()).isEqualTo(traceId));
        });
    }

    private static SpanData awaitSpan(String name, String traceId) {
        return await().atMost(ConnectorHarness.WAIT).until(() -> SPANS.find(name, traceId), Optional::isPresent).orElseThrow();
    }

    @Configuration(proxyBeanMethods = false)
    static class RecordedSpansOfTheConnector {
        @Bean
        RecordedSpans recordedSpans() {
            return SPANS;
        }
    }
}
