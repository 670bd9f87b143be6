package io.wecomrelay.schemas.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import com.networknt.schema.InputFormat;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.wecomrelay.schemas.testing.Events;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/** Auditors read the JSON Schemas; this proves they describe what the services really write. */
class EventSchemaTest {

    static Stream<RelayEvent> samples() {
        return Stream.of(
                Events.received("bot-1", "msg-1", Events.T0),
                withRefusedResponseUrl(Events.received("bot-1", "msg-2", Events.T0)),
                Events.receivedOverLongConnection("bot-1", "msg-3", "uxggl-f8Sdm6m_8X2CT0QgAA", Events.T0),
                Events.streamChanged("bot-1", "msg-3"),
                underPolicy("f00dcafe1234", Events.received("bot-1", "msg-4", Events.T0)),
                underPolicy("f00dcafe1234", Events.streamChanged("bot-1", "msg-4")),
                underPolicy("f00dcafe1234", Events.chunkWithImages("bot-1", "msg-4", 1, 2)),
                Events.accepted("bot-1", "msg-1", Events.T0),
                Events.rejected("bot-1", "msg-1", Events.T0, RejectReason.RATE_LIMITED),
                Events.chunk("bot-1", "msg-1", 1, 0, "你好", false),
                Events.chunk("bot-1", "msg-1", 2, 3, "done 🎉", true),
                Events.failedChunk("bot-1", "msg-1", 1, 4),
                Events.chunkWithImages("bot-1", "msg-1", 1, 5),
                Events.delivery("bot-1", "msg-1"),
                Events.failedDelivery("bot-1", "msg-1"),
                Events.skippedDelivery("bot-1", "msg-1"),
                deliveredUnder("f00dcafe1234", Events.delivery("bot-1", "msg-1")),
                Events.reply("bot-1", "msg-1"),
                Events.failedReply("bot-1", "msg-1"),
                Events.rejectedReply("bot-1", "msg-1"));
    }

    static DeliveryRecorded deliveredUnder(String policyVersion, DeliveryRecorded event) {
        return new DeliveryRecorded(event.meta(), event.botId(), event.streamId(), event.channel(), event.part(),
                event.parts(), event.attempt(), event.outcome(), event.errcode(), event.detail(), event.reason(),
                event.receivedAt(), policyVersion);
    }

    /** The receipt, notice or chunk as a service writes it now: with the policy version of the bot settings in force. */
    @SuppressWarnings("unchecked")
    static <T extends RelayEvent> T underPolicy(String policyVersion, T event) {
        RelayEvent under;
        if (event instanceof MessageReceived r) {
            under = new MessageReceived(r.meta(), r.botId(), r.streamId(), r.message(), policyVersion);
        } else if (event instanceof StreamChanged n) {
            under = new StreamChanged(n.meta(), n.botId(), n.streamId(), policyVersion);
        } else if (event instanceof ReplyChunk c) {
            under = new ReplyChunk(c.meta(), c.botId(), c.streamId(), c.conversationKey(), c.msgId(), c.attempt(),
                    c.seq(), c.kind(), c.text(), c.last(), c.error(), c.usage(), c.images(), c.route(), c.receivedAt(),
                    c.attachedImages(), policyVersion);
        } else {
            throw new IllegalArgumentException(event.getClass().getSimpleName() + " has its own");
        }
        return (T) under;
    }

    static MessageReceived withRefusedResponseUrl(MessageReceived event) {
        return new MessageReceived(event.meta(), event.botId(), event.streamId(),
                event.message().withResponseUrlRefused("forbidden_address"));
    }

    @ParameterizedTest
    @MethodSource("samples")
    void everyEventValidatesAgainstItsSchema(RelayEvent event) {
        byte[] bytes = EventSerde.any().serialize("t", event);
        String json = new String(bytes, StandardCharsets.UTF_8);

        Set<ValidationMessage> problems = schemaFor(json).validate(json, InputFormat.JSON);

        assertThat(problems).as(json).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("samples")
    void schemaRejectsAnEventMissingARequiredField(RelayEvent event) {
        String json = new String(EventSerde.any().serialize("t", event), StandardCharsets.UTF_8);
        String broken = json.replaceFirst("\"botId\":\"[^\"]*\",", "");

        assertThat(schemaFor(json).validate(broken, InputFormat.JSON)).isNotEmpty();
    }

    @ParameterizedTest
    @MethodSource("samples")
    void everyRecordComponentIsDocumentedInTheSchema(RelayEvent event) throws Exception {
        String json = new String(EventSerde.any().serialize("t", event), StandardCharsets.UTF_8);
        JsonNode schema = EventSerde.mapper().readTree(schemaText(json));
        List<String> components = Stream.of(event.getClass().getRecordComponents()).map(c -> c.getName()).toList();

        Iterator<String> documented = schema.path("properties").propertyNames().iterator();
        var names = new java.util.ArrayList<String>();
        documented.forEachRemaining(names::add);
        assertThat(names).containsAll(components).contains("type");
    }

    private static JsonSchema schemaFor(String eventJson) {
        return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(schemaText(eventJson));
    }

    private static String schemaText(String eventJson) {
        String type = EventSerde.mapper().readTree(eventJson).path("type").asString();
        String file = "/schemas/" + type.substring(0, type.lastIndexOf('.')) + ".schema.json";
        try (InputStream in = EventSerde.class.getResourceAsStream(file)) {
            assertThat(in).as("schema file %s is shipped in the jar", file).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
