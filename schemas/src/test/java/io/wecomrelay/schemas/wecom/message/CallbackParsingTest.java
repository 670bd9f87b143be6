package io.wecomrelay.schemas.wecom.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.wecomrelay.schemas.event.ChatType;
import io.wecomrelay.schemas.event.InboundMessage;
import io.wecomrelay.schemas.wecom.WecomCryptoException;
import io.wecomrelay.schemas.wecom.WecomError;
import io.wecomrelay.schemas.wecom.WecomJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.node.ObjectNode;

/**
 * The rules of the relay's one callback parser ({@link CallbackParser}), on the edge cases the official fixtures
 * do not cover: what is required, how {@code chattype} is read, and the event payload ingress publishes.
 */
class CallbackParsingTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"msgtype\":\"text\",\"from\":{\"userid\":\"u\"},\"text\":{\"content\":\"secret words\"}}",
        "{\"msgid\":\"m\",\"from\":{\"userid\":\"u\"},\"text\":{\"content\":\"secret words\"}}",
        "{\"msgid\":\"m\",\"msgtype\":\"text\",\"text\":{\"content\":\"secret words\"}}",
        "{\"msgid\":\"m\",\"msgtype\":\"text\",\"from\":{},\"text\":{\"content\":\"secret words\"}}",
        "{\"msgid\":\"m\",\"msgtype\":\"text\",\"from\":\"u\",\"text\":{\"content\":\"secret words\"}}",
        "{\"msgid\":null,\"msgtype\":\"text\",\"from\":{\"userid\":\"u\"},\"text\":{\"content\":\"secret words\"}}",
        "{\"msgid\":\"m\",\"msgtype\":\"text\",\"from\":{\"userid\":\"u\"}}",
        "{\"msgid\":\"m\",\"msgtype\":\"text\",\"from\":{\"userid\":\"u\"},\"text\":{\"content\":[\"secret words\"]}}",
        "{\"msgid\":\"m\",\"msgtype\":\"image\",\"from\":{\"userid\":\"u\"},\"image\":{}}",
        "{\"msgid\":\"m\",\"msgtype\":\"stream\",\"from\":{\"userid\":\"u\"},\"stream\":{}}",
        "{\"msgid\":\"m\",\"msgtype\":\"mixed\",\"from\":{\"userid\":\"u\"}}",
        "{\"msgid\":\"m\",\"msgtype\":\"mixed\",\"from\":{\"userid\":\"u\"},\"mixed\":\"not json secret words\"}",
        "{\"msgid\":\"m\",\"msgtype\":\"event\",\"from\":{\"userid\":\"u\"},\"event\":{\"eventtype\":\"feedback_event\",\"feedback_event\":{}}}",
        "[{\"msgid\":\"m\"}]",
        "{\"msgid\":\"m\", secret words",
        "{\"msgid\":\"\",\"msgtype\":\"text\",\"from\":{\"userid\":\"u\"},\"text\":{\"content\":\"secret words\"}}",
        "{\"msgid\":\"m\",\"msgtype\":\"\",\"from\":{\"userid\":\"u\"},\"text\":{\"content\":\"secret words\"}}",
        "{\"msgid\":\"m\",\"msgtype\":\"text\",\"from\":{\"userid\":\"\"},\"text\":{\"content\":\"secret words\"}}",
        "{\"msgid\":\"m\",\"msgtype\":\"stream\",\"from\":{\"userid\":\"u\"},\"stream\":{\"id\":\"\"}}",
        "{\"msgid\":\"m\",\"msgtype\":\"stream\",\"stream\":{\"id\":\"s\"}}",
    })
    void rejectsCallbacksMissingWhatWeNeedAsParseJsonError(String json) {
        var error = catchThrowableOfType(WecomCryptoException.class, () -> WecomCallback.parse(json));

        assertThat(error).isNotNull();
        assertThat(error.error()).isEqualTo(WecomError.PARSE_JSON_ERROR);
        assertThat(error.getMessage()).doesNotContain("secret words");
    }

    @ParameterizedTest
    @CsvSource({"single, SINGLE", "group, GROUP", "Group, GROUP", "SINGLE, SINGLE", "gRoUp, GROUP"})
    void chatTypeIsSingleOrGroupInAnyCase(String wire, ChatType expected) {
        var text = WecomCallback.parse("{\"msgid\":\"m\",\"msgtype\":\"text\",\"chattype\":\"" + wire + "\","
                + "\"from\":{\"userid\":\"u\"},\"text\":{\"content\":\"hi\"}}");

        assertThat(text.meta().chatType()).isEqualTo(expected);
        assertThat(text.meta().toInboundMessage().chatType()).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ",\"chattype\":null"})
    void anAbsentChatTypeIsASingleChat(String chatTypeField) {
        var event = WecomCallback.parse("{\"msgid\":\"m\",\"msgtype\":\"event\",\"from\":{\"userid\":\"u\"}"
                + chatTypeField + ",\"event\":{\"eventtype\":\"enter_chat\"}}");

        assertThat(event.meta().chatType()).isEqualTo(ChatType.SINGLE);
        assertThat(event.meta().isGroup()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"channel\"", "\"secret words\"", "\"\"", "\" group\"", "1", "2", "true", "{}", "[\"group\"]"})
    void anyOtherChatTypeIsAnErrorNotAGuess(String chatType) {
        var error = catchThrowableOfType(WecomCryptoException.class, () -> WecomCallback.parse(
                "{\"msgid\":\"m\",\"msgtype\":\"text\",\"chattype\":" + chatType + ",\"from\":{\"userid\":\"u\"},"
                        + "\"text\":{\"content\":\"hi\"}}"));

        assertThat(error).isNotNull();
        assertThat(error.error()).isEqualTo(WecomError.PARSE_JSON_ERROR);
        assertThat(error.getMessage()).contains("chattype").doesNotContain("secret words");
    }

    @Test
    void aMessageBecomesTheEventPayloadWithItsRoutingFieldsLiftedOut() {
        String json = "{\"msgid\":\"m\",\"aibotid\":\"b\",\"chatid\":\"c\",\"chattype\":\"group\",\"msgtype\":\"text\","
                + "\"from\":{\"userid\":\"u\"},\"response_url\":\"https://qyapi.weixin.qq.com/r?code=1\","
                + "\"text\":{\"content\":\"hi\"},\"event\":{\"eventtype\":\"not_an_event\"}}";

        var message = WecomCallback.parse(json).meta().toInboundMessage();

        assertThat(message).isEqualTo(new InboundMessage("m", "text", null, ChatType.GROUP, "c", "u",
                "https://qyapi.weixin.qq.com/r?code=1", WecomJson.readObject(json)));
    }

    @Test
    void anEventCarriesItsTypeAndAnUnknownTypeIsKeptWholeForAudit() {
        var event = WecomCallback.parse("{\"msgid\":\"m\",\"msgtype\":\"event\",\"from\":{\"userid\":\"u\"},"
                + "\"event\":{\"eventtype\":\"enter_chat\"}}").meta().toInboundMessage();
        String unknownJson = "{\"msgid\":\"m\",\"msgtype\":\"location\",\"from\":{\"userid\":\"u\"},\"location\":{\"x\":1}}";
        var unknown = WecomCallback.parse(unknownJson);

        assertThat(event.eventType()).isEqualTo("enter_chat");
        assertThat(event.isEvent()).isTrue();
        assertThat(unknown).isInstanceOf(UnknownCallback.class);
        assertThat(unknown.meta().toInboundMessage().body()).isEqualTo(WecomJson.readObject(unknownJson));
    }

    @Test
    void aRefreshNamesItsStream() {
        var refresh = WecomCallback.parse("{\"msgid\":\"m\",\"msgtype\":\"stream\",\"from\":{\"userid\":\"u\"},"
                + "\"stream\":{\"id\":\"s-1\"}}");

        assertThat(refresh).isInstanceOfSatisfying(StreamRefresh.class, r -> assertThat(r.streamId()).isEqualTo("s-1"));
    }

    @Test
    void unknownEventTypeBecomesUnknownCallback() {
        var callback = WecomCallback.parse("{\"msgid\":\"m\",\"aibotid\":\"b\",\"msgtype\":\"event\",\"from\":{\"userid\":\"u\"},"
                + "\"event\":{\"eventtype\":\"disconnected_event\"}}");

        assertThat(callback).isInstanceOf(UnknownCallback.class);
        assertThat(callback.meta().eventType()).isEqualTo("disconnected_event");
    }

    @Test
    void eventWithoutEventTypeBecomesUnknownCallback() {
        var callback = WecomCallback.parse("{\"msgid\":\"m\",\"msgtype\":\"event\",\"from\":{\"userid\":\"u\"}}");

        assertThat(callback).isInstanceOf(UnknownCallback.class);
        assertThat(callback.meta().eventType()).isNull();
    }

    @Test
    void templateCardEventAlsoReadsTheSdksFlattenedShape() {
        var event = (TemplateCardEvent) WecomCallback.parse("{\"msgid\":\"m\",\"msgtype\":\"event\",\"from\":{\"userid\":\"u\"},"
                + "\"event\":{\"eventtype\":\"template_card_event\",\"event_key\":\"confirm\",\"task_id\":\"T1\"}}");

        assertThat(event.eventKey()).isEqualTo("confirm");
        assertThat(event.taskId()).isEqualTo("T1");
        assertThat(event.cardType()).isNull();
        assertThat(event.selectedItems()).isEmpty();
    }

    @Test
    void toleratesUnknownFieldsAndNumericIds() {
        var text = (TextMessage) WecomCallback.parse("{\"msgid\":12345,\"msgtype\":\"text\","
                + "\"from\":{\"userid\":\"u\",\"extra\":true},\"text\":{\"content\":\"hi\",\"new\":1},\"newfield\":[1,2],"
                + "\"create_time\":\"1700000000\"}");

        assertThat(text.msgId()).isEqualTo("12345");
        assertThat(text.meta().aibotId()).isNull();
        assertThat(text.meta().createTime()).hasToString("2023-11-14T22:13:20Z");
    }

    @Test
    void mixedItemsOfUnknownTypeAreKeptAndLongConnectionKeysAreRead() {
        var mixed = (MixedMessage) WecomCallback.parse("{\"msgid\":\"m\",\"msgtype\":\"mixed\",\"from\":{\"userid\":\"u\"},"
                + "\"mixed\":{\"msg_item\":[{\"msgtype\":\"image\",\"image\":{\"url\":\"U\",\"aeskey\":\"K\"}},"
                + "{\"msgtype\":\"emotion\",\"emotion\":{\"id\":1}}]}}");

        assertThat(mixed.items()).hasSize(2);
        assertThat(mixed.items().get(0)).isEqualTo(new MixedItem.Image("U", "K"));
        assertThat(mixed.items().get(1)).isInstanceOfSatisfying(MixedItem.Other.class,
                other -> assertThat(other.msgType()).isEqualTo("emotion"));
    }

    @Test
    void rawIsACopyThatCallersCannotChange() {
        String json = "{\"msgid\":\"m\",\"msgtype\":\"text\",\"from\":{\"userid\":\"u\"},\"text\":{\"content\":\"hi\"}}";
        for (var callback : List.of(WecomCallback.parse(json),
                WecomCallback.parse(json.getBytes(StandardCharsets.UTF_8)))) {
            ((ObjectNode) callback.raw()).put("msgid", "changed");

            assertThat(callback.raw().get("msgid").asString()).isEqualTo("m");
        }
    }

    @Test
    void bytesStringsAndTreesParseToEqualCallbacks() {
        String json = "{\"msgid\":\"m\",\"aibotid\":\"b\",\"chatid\":\"c\",\"chattype\":\"group\",\"msgtype\":\"text\","
                + "\"from\":{\"userid\":\"u\"},\"text\":{\"content\":\"@bot 你好 \\\"x\\\" 😀\"},"
                + "\"quote\":{\"msgtype\":\"text\",\"text\":{\"content\":\"引用\"}}}";

        var fromString = WecomCallback.parse(json);
        var fromBytes = WecomCallback.parse(json.getBytes(StandardCharsets.UTF_8));
        var fromTree = WecomCallback.parse(WecomJson.readObject(json));

        assertThat(fromBytes).isEqualTo(fromString).hasSameHashCodeAs(fromString);
        assertThat(fromTree).isEqualTo(fromString);
        assertThat(((TextMessage) fromBytes).content()).isEqualTo("@bot 你好 \"x\" 😀");
        assertThat(fromBytes.meta().quote().text()).isEqualTo("引用");
        assertThat(WecomCallback.parse(json.replace("\"m\"", "\"n\""))).isNotEqualTo(fromString);
    }

    @Test
    void aCallerTreeIsCopiedSoLaterChangesDoNotReachTheCallback() {
        ObjectNode tree = WecomJson.readObject(
                "{\"msgid\":\"m\",\"msgtype\":\"text\",\"from\":{\"userid\":\"u\"},\"text\":{\"content\":\"hi\"}}");
        var callback = WecomCallback.parse(tree);

        tree.put("msgid", "changed");
        ((ObjectNode) tree.get("text")).put("content", "changed");

        assertThat(callback.raw().get("msgid").asString()).isEqualTo("m");
        assertThat(callback.raw().get("text").get("content").asString()).isEqualTo("hi");
    }

    @Test
    void theMetaConstructorCopiesTheTreeItIsGiven() {
        ObjectNode raw = WecomJson.readObject("{\"msgid\":\"m\"}");
        var meta = new CallbackMeta("m", "text", null, null, null, ChatType.SINGLE, "u", null, null, null, null, raw);

        raw.put("msgid", "changed");
        ((ObjectNode) meta.raw()).put("msgid", "changed too");

        assertThat(meta.raw().get("msgid").asString()).isEqualTo("m");
        assertThat(meta).isEqualTo(new CallbackMeta("m", "text", null, null, null, ChatType.SINGLE, "u", null, null, null, null,
                WecomJson.readObject("{\"msgid\":\"m\"}")));
    }

    @Test
    void collectionsAreImmutable() {
        var event = (FeedbackEvent) WecomCallback.parse("{\"msgid\":\"m\",\"msgtype\":\"event\",\"from\":{\"userid\":\"u\"},"
                + "\"event\":{\"eventtype\":\"feedback_event\",\"feedback_event\":{\"id\":\"F\",\"type\":1}}}");

        assertThat(event.inaccurateReasons()).isEqualTo(List.of());
        assertThat(event.content()).isNull();
        assertThat(event.type()).isEqualTo(1);
    }

    @Test
    void toStringLeavesMessageTextOut() {
        var text = WecomCallback.parse("{\"msgid\":\"m\",\"msgtype\":\"text\",\"from\":{\"userid\":\"u\"},"
                + "\"text\":{\"content\":\"secret words\"},\"quote\":{\"msgtype\":\"text\",\"text\":{\"content\":\"quoted secret\"}}}");

        assertThat(text.toString()).contains("msgId=m").doesNotContain("secret");
    }
}
