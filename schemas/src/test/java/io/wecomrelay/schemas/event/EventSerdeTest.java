package io.wecomrelay.schemas.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.wecomrelay.schemas.testing.Events;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class EventSerdeTest {

    @Test
    void roundTripsEveryEventOfTheFamily() {
        var serde = EventSerde.any();
        for (RelayEvent event : EventSchemaTest.samples().toList()) {
            assertThat(serde.deserialize("t", serde.serialize("t", event))).isEqualTo(event);
        }
    }

    @Test
    void writesTheVersionedTypeName() {
        String json = json(Events.received("bot-1", "m", Events.T0));

        assertThat(json).contains("\"type\":\"message-received.v1\"");
        assertThat(json).contains("\"occurredAt\":\"2026-11-21T08:00:00Z\"");
    }

    @Test
    void toleratesUnknownFieldsSoAdditiveChangesStayCompatible() {
        String json = json(Events.received("bot-1", "m", Events.T0)).replaceFirst("\\{", "{\"addedLater\":42,");

        MessageReceived read = EventSerde.of(MessageReceived.class).deserialize("t", json.getBytes(StandardCharsets.UTF_8));

        assertThat(read).isEqualTo(Events.received("bot-1", "m", Events.T0));
    }

    @Test
    void aDeliveryRecordWrittenBeforeItHadAReasonStillReads() {
        String json = json(Events.delivery("bot-1", "m")).replace(",\"reason\":null", "");

        DeliveryRecorded read = EventSerde.of(DeliveryRecorded.class).deserialize("t", json.getBytes(StandardCharsets.UTF_8));

        assertThat(json).doesNotContain("reason");
        assertThat(read).isEqualTo(Events.delivery("bot-1", "m"));
    }

    @Test
    void aRefusedResponseUrlIsNotCarriedButItsReasonIs() {
        MessageReceived refused = EventSchemaTest.withRefusedResponseUrl(Events.received("bot-1", "m", Events.T0));
        String json = json(refused);

        assertThat(refused.message().responseUrl()).isNull();
        assertThat(json).contains("\"responseUrlRefused\":\"forbidden_address\"").contains("\"responseUrl\":null");
        assertThat(EventSerde.any().deserialize("t", json.getBytes(StandardCharsets.UTF_8))).isEqualTo(refused);
        assertThatThrownBy(() -> new InboundMessage("m", "text", null, ChatType.SINGLE, null, "u", "https://x/",
                "malformed", refused.message().body())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void eventsWrittenBeforeTheResponseUrlCheckStillRead() {
        for (RelayEvent event : List.of(Events.received("bot-1", "m", Events.T0), Events.accepted("bot-1", "m", Events.T0),
                Events.rejected("bot-1", "m", Events.T0, RejectReason.RATE_LIMITED))) {
            String json = json(event);
            String old = json.replace("\"responseUrlRefused\":null,", "");
            assertThat(old).isNotEqualTo(json).doesNotContain("responseUrlRefused");

            RelayEvent read = EventSerde.any().deserialize("t", old.getBytes(StandardCharsets.UTF_8));

            assertThat(read).isEqualTo(event);
        }
    }

    @Test
    void aChunkWrittenBeforeItCarriedTheReceiveTimeStillReadsAndIsDatedByItsEventTime() {
        ReplyChunk chunk = Events.chunk("bot-1", "m", 1, 3, "x", true);
        String json = json(chunk).replace(",\"receivedAt\":\"2026-11-21T08:00:00Z\"", "");

        ReplyChunk read = EventSerde.of(ReplyChunk.class).deserialize("t", json.getBytes(StandardCharsets.UTF_8));

        assertThat(json).doesNotContain("receivedAt");
        assertThat(read.receivedAt()).isNull();
        assertThat(read.messageReceivedAt()).isEqualTo(chunk.meta().occurredAt()).isEqualTo(Events.T0.plusMillis(3));
        assertThat(chunk.messageReceivedAt()).isEqualTo(Events.T0);
    }

    @Test
    void aChunkWrittenBeforeItCarriedAttachedImagesReadsWithNone() {
        ReplyChunk chunk = Events.chunk("bot-1", "m", 1, 3, "x", true);
        String json = json(chunk).replace(",\"attachedImages\":[]", "");

        ReplyChunk read = EventSerde.of(ReplyChunk.class).deserialize("t", json.getBytes(StandardCharsets.UTF_8));

        assertThat(json).doesNotContain("attachedImages");
        assertThat(read.attachedImages()).isEmpty();
        assertThat(read).isEqualTo(chunk);
    }

    @Test
    void attachedImagesTravelAsKeysAndDigestsNeverAsBytes() {
        ReplyChunk chunk = Events.chunkWithImages("bot-1", "m", 2, 4);

        String json = json(chunk);

        assertThat(json).contains("\"attachedImages\":[{\"key\":\"reply-image:" + chunk.streamId() + ":2:0\","
                + "\"md5\":\"0123456789abcdef0123456789abcdef\",\"bytes\":2048,\"format\":\"PNG\"}");
        assertThat(chunk.toString()).contains("attachedImages=2");
    }

    @Test
    void aDeliveryRecordWrittenBeforeItCarriedTheReceiveTimeStillReads() {
        String json = json(Events.failedDelivery("bot-1", "m")).replace(",\"receivedAt\":\"2026-11-21T08:00:00Z\"", "");

        DeliveryRecorded read = EventSerde.of(DeliveryRecorded.class).deserialize("t", json.getBytes(StandardCharsets.UTF_8));

        assertThat(json).doesNotContain("receivedAt");
        assertThat(read.receivedAt()).isNull();
        assertThat(read.messageReceivedAt()).isEqualTo(read.meta().occurredAt());
    }

    @Test
    void aDeliveryRecordWrittenBeforeItCarriedThePolicyVersionStillReads() {
        DeliveryRecorded current = EventSchemaTest.deliveredUnder("f00dcafe1234", Events.failedDelivery("bot-1", "m"));
        String json = json(current).replace(",\"policyVersion\":\"f00dcafe1234\"", "");

        DeliveryRecorded read = EventSerde.of(DeliveryRecorded.class).deserialize("t", json.getBytes(StandardCharsets.UTF_8));

        assertThat(json(current)).contains("\"policyVersion\":\"f00dcafe1234\"");
        assertThat(json).doesNotContain("policyVersion");
        assertThat(read.policyVersion()).isNull();
        assertThat(read).isEqualTo(Events.failedDelivery("bot-1", "m"));
    }

    @Test
    void receiptsChunksAndNoticesWrittenBeforeTheyCarriedThePolicyVersionStillRead() {
        List<RelayEvent> old = List.of(Events.received("bot-1", "m", Events.T0), Events.streamChanged("bot-1", "m"),
                Events.chunkWithImages("bot-1", "m", 1, 3));
        for (RelayEvent before : old) {
            RelayEvent current = EventSchemaTest.underPolicy("f00dcafe1234", before);
            String json = json(current).replace(",\"policyVersion\":\"f00dcafe1234\"", "");

            RelayEvent read = EventSerde.any().deserialize("t", json.getBytes(StandardCharsets.UTF_8));

            assertThat(json(current)).contains("\"policyVersion\":\"f00dcafe1234\"");
            assertThat(json).doesNotContain("policyVersion");
            assertThat(read).isEqualTo(before);
            assertThat(read.policyVersion()).as("absent is unknown").isNull();
            assertThat(EventSerde.any().deserialize("t", EventSerde.any().serialize("t", current))).isEqualTo(current);
        }
    }

    @Test
    void everyEventTypeCarriesItsSchemaVersionAndThePolicyVersionThatApplied() {
        for (RelayEvent event : EventSchemaTest.samples().toList()) {
            String json = json(event);

            assertThat(EventSerde.mapper().readTree(json).path("type").asString()).as(json).matches("[a-z-]+\\.v\\d+");
            if (event instanceof MessageAccepted || event instanceof MessageRejected) {
                assertThat(event.policyVersion()).isEqualTo("abc123");
                assertThat(json).as("carried by the decision, not twice").containsOnlyOnce("policyVersion");
            } else {
                assertThat(json).as(json).contains("\"policyVersion\":");
            }
        }
    }

    @Test
    void aStreamsReplyRecordHasOneEventIdAndTheSameBytesEveryTime() {
        ReplyRecorded reply = Events.reply("bot-1", "m");
        ReplyRecorded again = EventSerde.of(ReplyRecorded.class).deserialize("t", EventSerde.any().serialize("t", reply));

        assertThat(EventSerde.any().serialize("t", again)).isEqualTo(EventSerde.any().serialize("t", reply));
        assertThat(reply.meta().eventId()).isEqualTo(ReplyRecorded.eventIdOf(reply.streamId()))
                .isNotEqualTo(ReplyRecorded.eventIdOf(Events.reply("bot-1", "other").streamId()));
        assertThat(json(reply)).startsWith("{\"type\":\"reply-recorded.v1\"");
        assertThat(reply.messageReceivedAt()).isEqualTo(Events.T0);
    }

    @Test
    void onlyAFailedReplyHasAnErrorCodeAndOnlyARejectedOneAReason() {
        ReplyRecorded ok = Events.reply("bot-1", "m");

        assertThatThrownBy(() -> new ReplyRecorded(ok.meta(), "bot-1", ok.streamId(), "m", ChatType.SINGLE, null, "u",
                ReplyChannel.STREAM, "x", false, ReplyFinish.FAILED, null, null, null, ok.finishedAt(), Events.T0, "v"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ReplyRecorded(ok.meta(), "bot-1", ok.streamId(), "m", ChatType.SINGLE, null, "u",
                ReplyChannel.STREAM, "x", false, ReplyFinish.FINISHED, "idle_timeout", null, null, ok.finishedAt(),
                Events.T0, "v")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ReplyRecorded(ok.meta(), "bot-1", ok.streamId(), "m", ChatType.SINGLE, null, "u",
                ReplyChannel.STREAM, "x", false, ReplyFinish.REJECTED, null, null, null, ok.finishedAt(), Events.T0, "v"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(Events.rejectedReply("bot-1", "m").withText("新", true)).satisfies(reply -> {
            assertThat(reply.text()).isEqualTo("新");
            assertThat(reply.truncated()).isTrue();
            assertThat(reply.rejectReason()).isEqualTo(RejectReason.RATE_LIMITED);
            assertThat(reply.toString()).doesNotContain("新").contains(reply.streamId());
        });
    }

    @Test
    void theMessagesReceiveTimeOfEveryEventThatCarriesIt() {
        assertThat(Events.accepted("bot-1", "m", Events.T0).messageReceivedAt()).isEqualTo(Events.T0);
        assertThat(Events.rejected("bot-1", "m", Events.T0, RejectReason.UNAUTHORIZED).messageReceivedAt()).isEqualTo(Events.T0);
        assertThat(Events.received("bot-1", "m", Events.T0).messageReceivedAt()).isEqualTo(Events.T0);
        assertThat(Events.skippedDelivery("bot-1", "m").messageReceivedAt()).isEqualTo(Events.T0);
    }

    @Test
    void aSkippedDeliverySaysWhyAndOnlyFailedOrSkippedOnesHaveAReason() {
        DeliveryRecorded skipped = Events.skippedDelivery("bot-1", "m");

        assertThatThrownBy(() -> new DeliveryRecorded(skipped.meta(), "bot-1", skipped.streamId(), skipped.channel(), 1, 1,
                1, DeliveryOutcome.SKIPPED, null, "x", null, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DeliveryRecorded(skipped.meta(), "bot-1", skipped.streamId(), skipped.channel(), 1, 1,
                1, DeliveryOutcome.DELIVERED, 0, "ok", DeliveryFailure.TOO_OLD, null)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new DeliveryRecorded(skipped.meta(), "bot-1", skipped.streamId(), skipped.channel(), 1, 1, 1,
                DeliveryOutcome.FAILED, null, "written before reasons", null, null).reason()).isNull();
    }

    @Test
    void unknownTypeIsADistinctErrorForTheDeadLetterTopic() {
        String json = json(Events.received("bot-1", "m", Events.T0)).replace("message-received.v1", "message-received.v9");

        assertThatThrownBy(() -> EventSerde.any().deserialize("wecom.inbound", json.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(UnknownEventTypeException.class)
                .hasMessageContaining("wecom.inbound");
    }

    @Test
    void garbageAndMissingFieldsAreSerializationExceptions() {
        var serde = EventSerde.of(MessageReceived.class);

        assertThatThrownBy(() -> serde.deserialize("t", "not json".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SerializationException.class);
        assertThatThrownBy(() -> serde.deserialize("t", "{\"type\":\"message-received.v1\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SerializationException.class);
    }

    @Test
    void aTypedSerdeRefusesAnotherEventType() {
        byte[] chunk = EventSerde.any().serialize("t", Events.chunk("bot-1", "m", 1, 0, "x", false));

        assertThatThrownBy(() -> EventSerde.of(MessageReceived.class).deserialize("t", chunk))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("ReplyChunk");
    }

    @Test
    void nullStaysNullForTombstones() {
        assertThat(EventSerde.any().serialize("t", null)).isNull();
        assertThat(EventSerde.any().deserialize("t", null)).isNull();
    }

    private static String json(RelayEvent event) {
        return new String(EventSerde.any().serialize("t", event), StandardCharsets.UTF_8);
    }
}
