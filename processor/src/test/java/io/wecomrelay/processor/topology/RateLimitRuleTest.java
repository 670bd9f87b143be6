package io.wecomrelay.processor.topology;

import static io.wecomrelay.processor.topology.Inbound.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import io.wecomrelay.schemas.event.MessageAccepted;
import io.wecomrelay.schemas.event.MessageRejected;
import io.wecomrelay.schemas.event.RejectReason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RateLimitRuleTest {

    private final TopologyHarness harness = TopologyHarness.start();

    @AfterEach
    void stop() {
        harness.close();
    }

    @Test
    void twentyFiveMessagesInAMinuteGiveTwentyAcceptedAndFiveRateLimitedWhileAnotherBotIsUnaffected() {
        // Given bot-a (20 per minute) gets 25 messages within 48 s, interleaved with 10 for bot-b
        for (int i = 0; i < 25; i++) {
            harness.send(Inbound.text("bot-a", "a-" + i, "zhangsan", T0.plusSeconds(2L * i)));
            if (i < 10) {
                harness.send(Inbound.text("bot-b", "b-" + i, "lisi", T0.plusSeconds(2L * i).plusMillis(500)));
            }
        }

        // Then the first 20 of bot-a and all of bot-b are accepted; the last 5 of bot-a are rate limited
        var accepted = harness.accepted();
        assertThat(accepted).filteredOn(a -> a.botId().equals("bot-a")).hasSize(20)
                .extracting(a -> a.message().msgId()).startsWith("a-0").endsWith("a-19");
        assertThat(accepted).filteredOn(a -> a.botId().equals("bot-b")).hasSize(10);
        assertThat(harness.rejected()).hasSize(5).allSatisfy(rejected -> {
            assertThat(rejected.botId()).isEqualTo("bot-a");
            assertThat(rejected.reason()).isEqualTo(RejectReason.RATE_LIMITED);
            assertThat(rejected.decision().rule()).isEqualTo("rate-limit");
            assertThat(rejected.detail()).contains("20");
        });
    }

    @Test
    void rollingWindowFreesCapacityOneMinuteAfterEachAcceptance() {
        // bot-solo allows 3 per rolling minute
        send("m0", T0);
        send("m1", T0.plusSeconds(10));
        send("m2", T0.plusSeconds(20));
        send("m3", T0.plusSeconds(30));                 // limit reached
        send("m4", T0.plusSeconds(60));                 // m0 left the window
        send("m5", T0.plusSeconds(61));                 // m1, m2, m4 still in it
        send("m6", T0.plusSeconds(70).plusMillis(1));   // m1 left the window

        assertThat(harness.accepted()).extracting(a -> a.message().msgId()).containsExactly("m0", "m1", "m2", "m4", "m6");
        assertThat(harness.rejected()).extracting(r -> r.message().msgId()).containsExactly("m3", "m5");
    }

    @Test
    void eventsDoNotCountAgainstTheLimit() {
        for (int i = 0; i < 5; i++) {
            harness.send(Inbound.event("bot-solo", "feedback-" + i, "feedback_event", T0.plusSeconds(i)));
            harness.send(Inbound.event("bot-solo", "enter-" + i, "enter_chat", T0.plusSeconds(i)));
        }
        for (int i = 0; i < 4; i++) {
            send("m" + i, T0.plusSeconds(10 + i));
        }

        assertThat(harness.accepted()).extracting(MessageAccepted::decision).extracting(d -> d.rule())
                .containsExactly("accept.feedback", "accept.feedback", "accept.feedback", "accept.feedback",
                        "accept.feedback", "accept", "accept", "accept");
        assertThat(harness.rejected()).filteredOn(r -> r.reason() == RejectReason.RATE_LIMITED)
                .extracting(r -> r.message().msgId()).containsExactly("m3");
    }

    @Test
    void rejectedMessagesDoNotUseCapacity() {
        harness.send(Inbound.inGroup("bot-strict", "g-0", "chat-1", "zhang.san", T0));   // unauthorized chat type
        for (int i = 0; i < 3; i++) {
            send("m" + i, T0.plusSeconds(1 + i));
        }

        assertThat(harness.accepted()).hasSize(3);
        assertThat(harness.rejected()).extracting(MessageRejected::reason).containsExactly(RejectReason.UNAUTHORIZED);
    }

    private void send(String msgId, Instant at) {
        harness.send(Inbound.text("bot-solo", msgId, "zhangsan", at));
    }
}
