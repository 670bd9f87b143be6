package io.wecomrelay.processor.topology;

import static io.wecomrelay.processor.topology.Inbound.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import io.wecomrelay.schemas.event.EventHeaders;
import io.wecomrelay.schemas.event.MessageAccepted;
import io.wecomrelay.schemas.event.MessageReceived;
import io.wecomrelay.schemas.event.MessageRejected;
import io.wecomrelay.schemas.ids.StreamIds;
import org.apache.kafka.common.header.Headers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What a decision looks like on the wire: keys, headers, times, ids, policy version. */
class DecisionRecordTest {

    private final TopologyHarness harness = TopologyHarness.start();

    @AfterEach
    void stop() {
        harness.close();
    }

    @Test
    void acceptedMessageIsKeyedByConversationAndCarriesTheDecision() {
        MessageReceived received = Inbound.text("bot-a", "msg-1", "zhangsan", T0);
        harness.send(received);

        var record = harness.acceptedRecords().get(0);
        MessageAccepted accepted = (MessageAccepted) record.value();
        assertThat(record.key()).isEqualTo("bot-a:u:zhangsan");
        assertThat(record.timestamp()).isEqualTo(T0.toEpochMilli());
        assertThat(accepted.conversationKey()).isEqualTo("bot-a:u:zhangsan");
        assertThat(accepted.streamId()).isEqualTo(StreamIds.of("bot-a", "msg-1"));
        assertThat(accepted.receivedAt()).isEqualTo(received.meta().occurredAt());
        assertThat(accepted.message()).isEqualTo(received.message());
        assertThat(accepted.decision().rule()).isEqualTo("accept");
        assertThat(accepted.decision().policyVersion()).isEqualTo(Inbound.bots().find("bot-a").orElseThrow().policyVersion());
        assertThat(accepted.meta().traceId()).isEqualTo(received.meta().traceId());
        assertThat(accepted.meta().eventId()).isNotEqualTo(received.meta().eventId());
        assertThat(header(record.headers(), EventHeaders.TRACE_ID)).isEqualTo("trace-msg-1");
        assertThat(header(record.headers(), EventHeaders.EVENT_TYPE)).isEqualTo(MessageAccepted.TYPE);
        assertThat(record.headers().headers(EventHeaders.EVENT_TYPE)).hasSize(1);
    }

    @Test
    void groupConversationKeyFollowsTheBotsSharingSetting() {
        harness.send(Inbound.inGroup("bot-a", "msg-1", "chat-1", "zhangsan", T0));
        harness.send(Inbound.inGroup("bot-solo", "msg-2", "chat-1", "zhangsan", T0));

        assertThat(harness.acceptedRecords()).extracting(r -> r.key())
                .containsExactly("bot-a:g:chat-1", "bot-solo:g:chat-1:u:zhangsan");
    }

    @Test
    void rejectedMessageIsKeyedByStreamId() {
        harness.send(Inbound.text("bot-off", "msg-1", "zhangsan", T0));

        var record = harness.rejectedRecords().get(0);
        MessageRejected rejected = (MessageRejected) record.value();
        assertThat(record.key()).isEqualTo(StreamIds.of("bot-off", "msg-1")).isEqualTo(rejected.streamId());
        assertThat(header(record.headers(), EventHeaders.EVENT_TYPE)).isEqualTo(MessageRejected.TYPE);
        assertThat(header(record.headers(), EventHeaders.TRACE_ID)).isEqualTo("trace-msg-1");
    }

    @Test
    void everyDecisionIsReportedToTheListener() {
        harness.send(Inbound.text("bot-a", "msg-1", "zhangsan", T0));
        harness.send(Inbound.text("bot-a", "msg-1", "zhangsan", T0.plusSeconds(1)));

        assertThat(harness.listened).extracting(decided -> decided.ruling().rule()).containsExactly("accept", "dedup");
    }

    private static String header(Headers headers, String name) {
        return new String(headers.lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
