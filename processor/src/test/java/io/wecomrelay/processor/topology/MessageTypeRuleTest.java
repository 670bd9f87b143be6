package io.wecomrelay.processor.topology;

import static io.wecomrelay.processor.topology.Inbound.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.wecomrelay.schemas.event.MessageAccepted;
import io.wecomrelay.schemas.event.RejectReason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MessageTypeRuleTest {

    private final TopologyHarness harness = TopologyHarness.start();

    @AfterEach
    void stop() {
        harness.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"text", "mixed", "image", "voice", "file", "video"})
    void servedTypesAreAccepted(String msgType) {
        harness.send(Inbound.ofType("bot-a", "msg-1", msgType, T0));

        assertThat(harness.accepted()).extracting(a -> a.message().msgType()).containsExactly(msgType);
    }

    @ParameterizedTest
    @ValueSource(strings = {"text", "location", "link"})
    void aSelfBuiltAppsTextLocationAndLinkAreAccepted(String msgType) {
        harness.send(Inbound.appMessage("bot-a", "7:zhangsan:1", msgType, T0));

        assertThat(harness.accepted()).extracting(a -> a.message().msgType()).containsExactly(msgType);
    }

    @ParameterizedTest
    @ValueSource(strings = {"location", "stream"})
    void otherTypesAreUnsupportedWithTheTypeNamed(String msgType) {
        harness.send(Inbound.ofType("bot-a", "msg-1", msgType, T0));

        assertThat(harness.rejected()).singleElement().satisfies(rejected -> {
            assertThat(rejected.reason()).isEqualTo(RejectReason.UNSUPPORTED);
            assertThat(rejected.decision().rule()).isEqualTo("type.unsupported");
            assertThat(rejected.detail()).isEqualTo("msgtype " + msgType);
        });
    }

    @Test
    void feedbackEventIsAcceptedForTheWorkerKeyedByConversation() {
        harness.send(Inbound.event("bot-a", "fb-1", "feedback_event", T0));

        var records = harness.acceptedRecords();
        assertThat(records).singleElement().satisfies(record -> {
            MessageAccepted accepted = (MessageAccepted) record.value();
            assertThat(accepted.decision().rule()).isEqualTo("accept.feedback");
            assertThat(accepted.message().eventType()).isEqualTo("feedback_event");
            assertThat(record.key()).isEqualTo("bot-a:u:zhangsan");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"enter_chat", "template_card_event"})
    void eventsIngressAnswersAreRecordedAsNotForTheLlm(String eventType) {
        harness.send(Inbound.event("bot-a", "ev-1", eventType, T0));

        assertThat(harness.rejected()).singleElement().satisfies(rejected -> {
            assertThat(rejected.reason()).isEqualTo(RejectReason.UNSUPPORTED);
            assertThat(rejected.decision().rule()).isEqualTo("type.event");
            assertThat(rejected.detail()).startsWith("event " + eventType + " is answered by ingress");
        });
    }

    @Test
    void unknownEventIsUnsupportedWithItsTypeNamed() {
        harness.send(Inbound.event("bot-a", "ev-1", "disconnected_event", T0));

        assertThat(harness.rejected()).singleElement().satisfies(rejected -> {
            assertThat(rejected.decision().rule()).isEqualTo("type.unsupported");
            assertThat(rejected.detail()).isEqualTo("event disconnected_event");
        });
    }
}
