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
import io.wecomrelay.schemas.wecom.message.WecomCallback;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

class InputsTest {

    private static final String MEDIA_ONLY = "请看附件";
    private final Inputs inputs = new Inputs(Map.of("bot-named", List.of("小助手")), List.of("/new", "新对话"), MEDIA_ONLY);

    @Test
    void removesTheBotMentionWhereverItIs() {
        assertThat(read("bot-1", group("text", "{\"content\":\"@小助手\\u2005今天天气怎么样\"}"))).isEqualTo(query("今天天气怎么样"));
        assertThat(read("bot-1", group("text", "{\"content\":\"帮我看看 @小助手 这个\"}"))).isEqualTo(query("帮我看看   这个"));
        assertThat(read("bot-named", group("text", "{\"content\":\"@张三 说的对吗 @小助手\"}"))).isEqualTo(query("@张三 说的对吗"));
        assertThat(read("bot-1", single("text", "{\"content\":\" hello @you \"}"))).isEqualTo(query("hello @you"));
    }

    @Test
    void voiceUsesTheTranscriptAndMixedJoinsItsTextsAndPassesItsImages() {
        assertThat(read("bot-1", single("voice", "{\"content\":\"语音转文字\"}"))).isEqualTo(query("语音转文字"));
        var mixed = "{\"msg_item\":[{\"msgtype\":\"text\",\"text\":{\"content\":\"看图\"}},"
                + "{\"msgtype\":\"image\",\"image\":{\"url\":\"https://img\"}},{\"msgtype\":\"text\",\"text\":{\"content\":\"说明\"}}]}";
        assertThat(read("bot-1", single("mixed", mixed)))
                .isEqualTo(new Input.Query("看图\n说明", List.of(image("https://img", null))));
        var imagesOnly = "{\"msg_item\":[{\"msgtype\":\"image\",\"image\":{\"url\":\"https://a\"}},"
                + "{\"msgtype\":\"image\",\"image\":{\"url\":\"https://b\",\"aeskey\":\"k\"}}]}";
        assertThat(read("bot-1", single("mixed", imagesOnly)))
                .isEqualTo(new Input.Query(MEDIA_ONLY, List.of(image("https://a", null), image("https://b", null))));
        assertThat(read("bot-1", group("mixed", "{\"msg_item\":[{\"msgtype\":\"text\",\"text\":{\"content\":\"@bot\"}}]}")))
                .isEqualTo(new Input.Unsupported("mixed"));
    }

    @Test
    void imageFileAndVideoBecomeAttachmentsWithTheMediaOnlyQuery() {
        assertThat(read("bot-1", single("image", "{\"url\":\"https://img\"}")))
                .isEqualTo(new Input.Query(MEDIA_ONLY, List.of(image("https://img", null))));
        assertThat(read("bot-1", single("file", "{\"url\":\"https://f\"}")))
                .isEqualTo(new Input.Query(MEDIA_ONLY, List.of(new Attachment.Signed(Attachment.Kind.FILE, "https://f", null))));
        assertThat(read("bot-1", single("video", "{\"url\":\"https://v\"}")))
                .isEqualTo(new Input.Query(MEDIA_ONLY, List.of(new Attachment.Signed(Attachment.Kind.VIDEO, "https://v", null))));
        assertThat(new Attachment.Signed(Attachment.Kind.FILE, "https://secret", "key").toString()).doesNotContain("secret", "key");
    }

    /** Whoever can sign callbacks must not choose the key their media are decrypted with. */
    @Test
    void aCallbackMessagesOwnAesKeyIsIgnoredAndOnlyALongConnectionMessageKeepsIt() {
        var video = single("video", "{\"url\":\"https://v\",\"aeskey\":\"attacker-key\"}");
        var mixed = single("mixed", "{\"msg_item\":[{\"msgtype\":\"image\",\"image\":{\"url\":\"https://i\",\"aeskey\":\"k2\"}}]}");

        assertThat(read("bot-1", video)).isEqualTo(new Input.Query(MEDIA_ONLY,
                List.of(new Attachment.Signed(Attachment.Kind.VIDEO, "https://v", null))));
        assertThat(read("bot-1", mixed)).isEqualTo(new Input.Query(MEDIA_ONLY, List.of(image("https://i", null))));
        for (String type : List.of("image", "file", "video")) {
            var message = single(type, "{\"url\":\"https://m\",\"aeskey\":\"k3\"}");
            assertThat(((Input.Query) read("bot-1", message)).attachments()).singleElement()
                    .satisfies(attachment -> assertThat(((Attachment.Signed) attachment).aesKey()).isNull());
        }
        var callback = WecomCallback.parse(video.body());
        assertThat(Inputs.attachments(callback, Inputs.Channel.LONG_CONNECTION))
                .containsExactly(new Attachment.Signed(Attachment.Kind.VIDEO, "https://v", "attacker-key"));
        assertThat(Inputs.attachments(WecomCallback.parse(mixed.body()), Inputs.Channel.LONG_CONNECTION))
                .containsExactly(image("https://i", "k2"));
    }

    @Test
    void aQuotedImageKeepsTheQuotedTextButIsNotPassedOn() {
        var body = body(ChatType.SINGLE, "text", "{\"content\":\"图里是什么？\"}");
        var items = body.putObject("quote").put("msgtype", "mixed").putObject("mixed").putArray("msg_item");
        items.addObject().put("msgtype", "text").putObject("text").put("content", "昨天的图");
        items.addObject().put("msgtype", "image").putObject("image").put("url", "https://quoted");

        assertThat(read("bot-1", message(body, ChatType.SINGLE))).isEqualTo(query("> 昨天的图\n> [image]\n\n图里是什么？"));
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
        assertThat(read("bot-1", single("image", "{\"url\":\"https://img\"}"))).isNotInstanceOf(Input.Reset.class);
        var event = body(ChatType.SINGLE, "event", "{}");
        event.putObject("event").put("eventtype", "feedback_event");
        var unreadable = new InboundMessage("m1", "event", "feedback_event", ChatType.SINGLE, null, "u1", null, event);
        assertThat(read("bot-1", unreadable)).isInstanceOf(Input.Ignored.class);
        var enter = body(ChatType.SINGLE, "event", "{}");
        enter.putObject("event").put("eventtype", "enter_chat");
        assertThat(read("bot-1", new InboundMessage("m2", "event", "enter_chat", ChatType.SINGLE, null, "u1", null, enter)))
                .isInstanceOf(Input.Ignored.class);
    }

    @Test
    void feedbackEventsBecomeRatings() {
        assertThat(read("bot-1", feedback(1, null))).isEqualTo(new Input.Feedback("stream-1", Input.Rating.LIKE, null));
        assertThat(read("bot-1", feedback(2, " 能再详细一些么 ")))
                .isEqualTo(new Input.Feedback("stream-1", Input.Rating.DISLIKE, "能再详细一些么"));
        assertThat(read("bot-1", feedback(3, null))).isEqualTo(new Input.Feedback("stream-1", Input.Rating.WITHDRAWN, null));
        assertThat(read("bot-1", feedback(9, null))).isInstanceOf(Input.Ignored.class);
    }

    private static InboundMessage feedback(int type, String content) {
        var body = body(ChatType.SINGLE, "event", "{}");
        var event = body.putObject("event").put("eventtype", "feedback_event");
        var payload = event.putObject("feedback_event").put("id", "stream-1").put("type", type);
        if (content != null) {
            payload.put("content", content);
        }
        payload.putArray("inaccurate_reason_list").add(2);
        return new InboundMessage(body.get("msgid").asString(), "event", "feedback_event", ChatType.SINGLE, null, "u1",
                null, body);
    }

    private static Attachment image(String url, String aesKey) {
        return new Attachment.Signed(Attachment.Kind.IMAGE, url, aesKey);
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
