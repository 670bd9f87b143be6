package io.wecomrelay.processor.topology;

import static io.wecomrelay.processor.topology.Inbound.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import io.wecomrelay.schemas.event.MessageAccepted;
import io.wecomrelay.schemas.event.MessageRejected;
import io.wecomrelay.schemas.event.RejectReason;
import io.wecomrelay.schemas.ids.StreamIds;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DedupRuleTest {

    private final TopologyHarness harness = TopologyHarness.start();

    @AfterEach
    void stop() {
        harness.close();
    }

    @Test
    void retryStormOfThreeWithinFiveSecondsGivesOneAcceptanceAndTwoDuplicates() {
        // Given WeCom delivers the same msgid three times within 5 s (each a new callback, new event id)
        harness.send(Inbound.text("bot-a", "msg-1", "zhangsan", T0));
        harness.send(Inbound.text("bot-a", "msg-1", "zhangsan", T0.plusSeconds(2)));
        harness.send(Inbound.text("bot-a", "msg-1", "zhangsan", T0.plusSeconds(5)));

        // Then one acceptance and two recorded duplicates, all on the same stream
        String streamId = StreamIds.of("bot-a", "msg-1");
        assertThat(harness.accepted()).extracting(MessageAccepted::streamId).containsExactly(streamId);
        assertThat(harness.rejected()).hasSize(2).allSatisfy(rejected -> {
            assertThat(rejected.reason()).isEqualTo(RejectReason.DUPLICATE);
            assertThat(rejected.streamId()).isEqualTo(streamId);
            assertThat(rejected.decision().rule()).isEqualTo("dedup");
            assertThat(rejected.detail()).isEqualTo("msgid first seen at " + T0);
        });
    }

    @Test
    void repeatWithinRetentionIsDuplicateAndAfterRetentionIsDecidedAfresh() {
        harness.send(Inbound.text("bot-a", "msg-1", "zhangsan", T0));
        harness.send(Inbound.text("bot-a", "msg-1", "zhangsan", T0.plus(Duration.ofHours(24)).minusMillis(1)));
        harness.send(Inbound.text("bot-a", "msg-1", "zhangsan", T0.plus(Duration.ofHours(24))));

        assertThat(harness.rejected()).extracting(MessageRejected::reason).containsExactly(RejectReason.DUPLICATE);
        assertThat(harness.accepted()).extracting(accepted -> accepted.meta().occurredAt())
                .containsExactly(T0, T0.plus(Duration.ofHours(24)));
    }

    @Test
    void sameMsgIdOfAnotherBotIsNoDuplicate() {
        harness.send(Inbound.text("bot-a", "msg-1", "zhangsan", T0));
        harness.send(Inbound.text("bot-b", "msg-1", "zhangsan", T0.plusSeconds(1)));

        assertThat(harness.accepted()).extracting(MessageAccepted::botId).containsExactly("bot-a", "bot-b");
        assertThat(harness.rejected()).isEmpty();
    }

    @Test
    void retryOfARejectedMessageIsADuplicateToo() {
        harness.send(Inbound.text("bot-off", "msg-1", "zhangsan", T0));
        harness.send(Inbound.text("bot-off", "msg-1", "zhangsan", T0.plusSeconds(3)));

        assertThat(harness.rejected()).extracting(MessageRejected::reason)
                .containsExactly(RejectReason.BOT_DISABLED, RejectReason.DUPLICATE);
    }

    @Test
    void retryStampedEarlierThanTheOriginalIsStillADuplicate() {
        harness.send(Inbound.text("bot-a", "msg-1", "zhangsan", T0.plusSeconds(10)));
        harness.send(Inbound.text("bot-a", "msg-1", "zhangsan", T0.plusSeconds(8)));

        assertThat(harness.accepted()).hasSize(1);
        assertThat(harness.rejected()).extracting(MessageRejected::reason).containsExactly(RejectReason.DUPLICATE);
    }
}
