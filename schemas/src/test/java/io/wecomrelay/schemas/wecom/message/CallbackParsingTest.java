package io.wecomrelay.schemas.wecom.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.wecomrelay.schemas.wecom.WecomCryptoException;
import io.wecomrelay.schemas.wecom.WecomError;
import io.wecomrelay.schemas.wecom.WecomJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.node.ObjectNode;

/** Edge cases of the parser that the official fixtures do not cover. */
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
    })
    void rejectsCallbacksMissingWhatWeNeedAsParseJsonError(String json) {
        var error = catchThrowableOfType(WecomCryptoException.class, () -> WecomCallback.parse(json));

        assertThat(error).isNotNull();
        assertThat(error.error()).isEqualTo(WecomError.PARSE_JSON_ERROR);
        assertThat(error.getMessage()).doesNotContain("secret words");
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
    void toleratesUnknownFieldsOddChatTypesAndNumericIds() {
        var text = (TextMessage) WecomCallback.parse("{\"msgid\":12345,\"msgtype\":\"text\",\"chattype\":\"channel\","
                + "\"from\":{\"userid\":\"u\",\"extra\":true},\"text\":{\"content\":\"hi\",\"new\":1},\"newfield\":[1,2],"
                + "\"create_time\":\"1700000000\"}");

        assertThat(text.msgId()).isEqualTo("12345");
        assertThat(text.meta().chatType()).isNull();
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
        var meta = new CallbackMeta("m", "text", null, null, null, null, "u", null, null, null, null, raw);

        raw.put("msgid", "changed");
        ((ObjectNode) meta.raw()).put("msgid", "changed too");

        assertThat(meta.raw().get("msgid").asString()).isEqualTo("m");
        assertThat(meta).isEqualTo(new CallbackMeta("m", "text", null, null, null, null, "u", null, null, null, null,
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
