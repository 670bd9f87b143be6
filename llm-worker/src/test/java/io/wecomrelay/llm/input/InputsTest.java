package io.wecomrelay.llm.input;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import io.wecomrelay.schemas.event.ChatType;
import io.wecomrelay.schemas.event.Decision;
import io.wecomrelay.schemas.event.EventSerde;
import io.wecomrelay.schemas.event.InboundMessage;
import io.wecomrelay.schemas.event.MessageAccepted;
import io.wecomrelay.schemas.testing.Events;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

class InputsTest {

    private final Inputs inputs = new Inputs(Map.of("bot-named", List.of("小助手")), List.of("/new", "新对话"));

    @Test
    void removesTheBotMentionWhereverItIs() {
        assertThat(read("bot-1", group("text", "{\"content\":\"@小助手\\u2005今天天气怎么样\"}"))).isEqualTo(query("今天天气怎么样"));
        assertThat(read("bot-1", group("text", "{\"content\":\"帮我看看 @小助手 这个\"}"))).isEqualTo(query("帮我看看   这个"));
        assertThat(read("bot-named", group("text", "{\"content\":\"@张三 说的对吗 @小助手\"}"))).isEqualTo(query("@张三 说的对吗"));
        assertThat(read("bot-1", single("text", "{\"content\":\" hello @you \"}"))).isEqualTo(query("hello @you"));
    }

    @Test
    void voiceUsesTheTranscriptAndMixedJoinsItsTexts() {
        assertThat(read("bot-1", single("voice", "{\"content\":\"语音转文字\"}"))).isEqualTo(query("语音转文字"));
        var mixed = "{\"msg_item\":[{\"msgtype\":\"text\",\"text\":{\"content\":\"看图\"}},"
                + "{\"msgtype\":\"image\",\"image\":{\"url\":\"https://img\"}},{\"msgtype\":\"text\",\"text\":{\"content\":\"说明\"}}]}";
        assertThat(read("bot-1", single("mixed", mixed))).isEqualTo(query("看图\n说明"));
        var imagesOnly = "{\"msg_item\":[{\"msgtype\":\"image\",\"image\":{\"url\":\"https://img\"}}]}";
        assertThat(read("bot-1", single("mixed", imagesOnly))).isEqualTo(new Input.Unsupported("mixed"));
    }

    @Test
    void aQuoteBecomesContextBeforeTheQuestion() {
        var body = body(ChatType.SINGLE, "text", "{\"content\":\"这是什么意思？\"}");
        body.putObject("quote").put("msgtype", "text").putObject("text").put("content", "第一行\n第二行");

        assertThat(read("bot-1", message(body, ChatType.SINGLE))).isEqualTo(query("> 第一行\n> 第二行\n\n这是什么意思？"));
    }

    @Test
    void resetCommandsEmptyMessagesMediaAndEvents() {
        assertThat(read("bot-1", group("text", "{\"content\":\"@bot /NEW \"}"))).isInstanceOf(Input.Reset.class);
        assertThat(read("bot-1", single("text", "{\"content\":\"新对话\"}"))).isInstanceOf(Input.Reset.class);
        assertThat(read("bot-1", group("text", "{\"content\":\"@bot\"}"))).isInstanceOf(Input.Empty.class);
        assertThat(read("bot-1", single("image", "{\"url\":\"https://img\"}"))).isEqualTo(new Input.Unsupported("image"));
        assertThat(read("bot-1", single("file", "{\"url\":\"https://f\"}"))).isEqualTo(new Input.Unsupported("file"));
        var event = body(ChatType.SINGLE, "event", "{}");
        event.putObject("event").put("eventtype", "feedback_event");
        var feedback = new InboundMessage("m1", "event", "feedback_event", ChatType.SINGLE, null, "u1", null, event);
        assertThat(read("bot-1", feedback)).isInstanceOf(Input.Ignored.class);
    }

    private Input read(String botId, InboundMessage message) {
        var accepted = Events.accepted(botId, message.msgId(), Events.T0);
        return inputs.read(new MessageAccepted(accepted.meta(), botId, accepted.streamId(), accepted.conversationKey(),
                message, Events.T0, new Decision("accept", "x")));
    }

    private static Input.Query query(String text) {
        return new Input.Query(text);
    }

    private static InboundMessage single(String type, String payload) {
        return message(body(ChatType.SINGLE, type, payload), ChatType.SINGLE);
    }

    private static InboundMessage group(String type, String payload) {
        return message(body(ChatType.GROUP, type, payload), ChatType.GROUP);
    }

    private static InboundMessage message(ObjectNode body, ChatType chatType) {
        return new InboundMessage(body.get("msgid").asString(), body.get("msgtype").asString(), null, chatType,
                chatType == ChatType.GROUP ? "chat-1" : null, "u1", null, body);
    }

    private static ObjectNode body(ChatType chatType, String type, String payload) {
        ObjectNode body = EventSerde.mapper().createObjectNode();
        body.put("msgid", "m-" + type + System.nanoTime()).put("aibotid", "bot-1")
                .put("chattype", chatType == ChatType.GROUP ? "group" : "single").put("msgtype", type);
        if (chatType == ChatType.GROUP) {
            body.put("chatid", "chat-1");
        }
        body.putObject("from").put("userid", "u1");
        body.set(type, EventSerde.mapper().readTree(payload));
        return body;
    }
}
