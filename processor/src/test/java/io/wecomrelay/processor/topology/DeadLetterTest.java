package io.wecomrelay.processor.topology;

import static io.wecomrelay.processor.topology.Inbound.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import io.wecomrelay.schemas.event.EventHeaders;
import io.wecomrelay.schemas.event.EventSerde;
import io.wecomrelay.schemas.event.MessageAccepted;
import io.wecomrelay.schemas.event.MessageReceived;
import io.wecomrelay.schemas.event.UnknownEventTypeException;
import io.wecomrelay.support.deadletter.DeadLetterHeaders;
import io.wecomrelay.support.deadletter.DeadLetterScheme;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DeadLetterTest {

    private final TopologyHarness harness = TopologyHarness.start();

    @AfterEach
    void stop() {
        harness.close();
    }

    @Test
    void garbageBytesGoToTheDeadLetterTopicAndProcessingGoesOn() {
        byte[] garbage = {0x00, (byte) 0xff, 'n', 'o', 't', ' ', 'j', 's', 'o', 'n'};

        harness.sendRaw("bot-a", garbage);
        harness.send(Inbound.text("bot-a", "msg-after", "zhangsan", T0.plusSeconds(1)));

        TestRecord<byte[], byte[]> dead = single(harness);
        assertThat(dead.value()).isEqualTo(garbage);
        assertThat(new String(dead.key(), StandardCharsets.UTF_8)).isEqualTo("bot-a");
        assertThat(header(dead.headers(), DeadLetterHeaders.EXCEPTION)).isEqualTo(SerializationException.class.getName());
        assertThat(header(dead.headers(), DeadLetterHeaders.TOPIC)).isEqualTo("wecom.inbound");
        assertThat(header(dead.headers(), DeadLetterHeaders.PARTITION)).isEqualTo("0");
        assertThat(header(dead.headers(), DeadLetterHeaders.OFFSET)).isEqualTo("0");
        assertThat(header(dead.headers(), DeadLetterHeaders.SERVICE)).isEqualTo(TopologyHarness.SERVICE);
        assertThat(header(dead.headers(), DeadLetterHeaders.AT)).isEqualTo(T0.toString());
        assertThat(header(dead.headers(), EventHeaders.TRACE_ID)).isEqualTo("trace-poison");
        assertThat(harness.accepted()).extracting(MessageAccepted::streamId).hasSize(1);
        assertThat(harness.meters.get(DeadLetterScheme.METRIC).tags("service", TopologyHarness.SERVICE, "topic", "wecom.inbound",
                "cause", "SerializationException").counter().count()).isEqualTo(1.0);
    }

    @Test
    void unknownEventTypeGoesToTheDeadLetterTopic() {
        byte[] unknown = "{\"type\":\"message-exploded.v9\",\"botId\":\"bot-a\"}".getBytes(StandardCharsets.UTF_8);

        harness.sendRaw("bot-a", unknown);
        harness.send(Inbound.text("bot-a", "msg-after", "zhangsan", T0.plusSeconds(1)));

        TestRecord<byte[], byte[]> dead = single(harness);
        assertThat(dead.value()).isEqualTo(unknown);
        assertThat(header(dead.headers(), DeadLetterHeaders.EXCEPTION)).isEqualTo(UnknownEventTypeException.class.getName());
        assertThat(harness.accepted()).hasSize(1);
    }

    @Test
    void recordThatFailsInProcessingGoesToTheDeadLetterTopicAsItArrived() {
        // An empty msgid reads fine but cannot be given a stream id: the dedup step throws
        MessageReceived valid = Inbound.text("bot-a", "msg-broken", "zhangsan", T0);
        String json = new String(EventSerde.any().serialize("wecom.inbound", valid), StandardCharsets.UTF_8);
        byte[] raw = json.replace("\"msgId\":\"msg-broken\"", "\"msgId\":\"\"").getBytes(StandardCharsets.UTF_8);
        assertThat(raw).isNotEqualTo(json.getBytes(StandardCharsets.UTF_8));

        harness.sendRaw("bot-a", raw);
        harness.send(Inbound.text("bot-a", "msg-after", "zhangsan", T0.plusSeconds(1)));

        TestRecord<byte[], byte[]> dead = single(harness);
        assertThat(dead.value()).isEqualTo(raw);
        assertThat(header(dead.headers(), DeadLetterHeaders.EXCEPTION)).isEqualTo(IllegalArgumentException.class.getName());
        assertThat(header(dead.headers(), DeadLetterHeaders.STACKTRACE)).contains("DuplicateFilter");
        assertThat(harness.accepted()).hasSize(1);
        assertThat(harness.rejected()).isEmpty();
    }

    private static TestRecord<byte[], byte[]> single(TopologyHarness harness) {
        var dead = harness.deadLetters();
        assertThat(dead).hasSize(1);
        return dead.get(0);
    }

    private static String header(Headers headers, String name) {
        return new String(headers.lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
