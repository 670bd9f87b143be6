package io.wecomrelay.schemas.wecom.reply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

import io.wecomrelay.schemas.wecom.WecomJson;
import io.wecomrelay.schemas.wecom.crypto.AesCbcEngines;
import io.wecomrelay.schemas.wecom.crypto.WecomCrypto;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Passive replies serialize to the exact JSON of the protocol note, §4. */
class PassiveReplyJsonTest {

    private static final JsonNode CARD = WecomJson.readObject(
            "{\"card_type\":\"button_interaction\",\"main_title\":{\"title\":\"xx系统告警\"},\"task_id\":\"TASK_ID\"}");
    private static final String CARD_JSON =
            "{\"card_type\":\"button_interaction\",\"main_title\":{\"title\":\"xx系统告警\"},\"task_id\":\"TASK_ID\"}";

    @Test
    void welcomeText() {
        assertThat(new WelcomeTextReply("hello\nI'm RobotA\n").toJson())
                .isEqualTo("{\"msgtype\":\"text\",\"text\":{\"content\":\"hello\\nI'm RobotA\\n\"}}");
    }

    @Test
    void partialStream() {
        assertThat(StreamReply.partial("STREAMID", "**广州**今日天气：29度").toJson())
                .isEqualTo("{\"msgtype\":\"stream\",\"stream\":{\"id\":\"STREAMID\",\"finish\":false,\"content\":\"**广州**今日天气：29度\"}}");
        assertThat(StreamReply.partial("STREAMID", "").toJson())
                .isEqualTo("{\"msgtype\":\"stream\",\"stream\":{\"id\":\"STREAMID\",\"finish\":false,\"content\":\"\"}}");
    }

    @Test
    void finishedStreamWithImagesAndFeedback() {
        var reply = StreamReply.finished("STREAMID", "done")
                .withImages(List.of(StreamImage.of("hello".getBytes(StandardCharsets.US_ASCII))))
                .withFeedbackId("FEEDBACKID");

        assertThat(reply.toJson()).isEqualTo("{\"msgtype\":\"stream\",\"stream\":{\"id\":\"STREAMID\",\"finish\":true,"
                + "\"content\":\"done\",\"msg_item\":[{\"msgtype\":\"image\",\"image\":{\"base64\":\"aGVsbG8=\","
                + "\"md5\":\"5d41402abc4b2a76b9719d911017c592\"}}],\"feedback\":{\"id\":\"FEEDBACKID\"}}}");
    }

    @Test
    void streamContentUpTo20480Utf8BytesIsAccepted() {
        // 6826 three-byte characters + 2 ASCII = 20480 bytes but only 6828 chars: the limit is in bytes.
        String atLimit = "中".repeat(6826) + "ab";
        assertThat(atLimit.getBytes(StandardCharsets.UTF_8)).hasSize(StreamReply.MAX_CONTENT_BYTES);

        assertThat(StreamReply.finished("s", atLimit).content()).isEqualTo(atLimit);
        assertThat(StreamReply.finished("s", "a".repeat(20_480)).content()).hasSize(20_480);
    }

    @Test
    void streamContentOver20480Utf8BytesIsRejected() {
        String overByOne = "中".repeat(6826) + "abc";

        assertThatThrownBy(() -> StreamReply.partial("s", overByOne))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("20481").hasMessageContaining("20480");
        assertThatThrownBy(() -> StreamReply.partial("s", "😀".repeat(5121)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void imagesOnlyOnTheFinishedFrameAndAtMostTen() {
        var image = StreamImage.of(new byte[] {1, 2, 3});

        assertThatThrownBy(() -> StreamReply.partial("s", "x").withImages(List.of(image)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("finish");
        assertThat(StreamReply.finished("s", "x").withImages(Collections.nCopies(10, image)).images()).hasSize(10);
        assertThatThrownBy(() -> StreamReply.finished("s", "x").withImages(Collections.nCopies(11, image)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void feedbackIdAndStreamIdLimits() {
        assertThatThrownBy(() -> StreamReply.partial("s", "x").withFeedbackId("f".repeat(257)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(StreamReply.partial("s", "x").withFeedbackId("f".repeat(256)).feedbackId()).hasSize(256);
        assertThatThrownBy(() -> StreamReply.partial("", "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StreamImage.of(new byte[0])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void templateCard() {
        assertThat(new TemplateCardReply(CARD).toJson())
                .isEqualTo("{\"msgtype\":\"template_card\",\"template_card\":" + CARD_JSON + "}");
    }

    @Test
    void streamWithTemplateCard() {
        var reply = new StreamWithTemplateCardReply(StreamReply.partial("STREAMID", "...").withFeedbackId("FEEDBACKID"), CARD);

        assertThat(reply.toJson()).isEqualTo("{\"msgtype\":\"stream_with_template_card\",\"stream\":{\"id\":\"STREAMID\","
                + "\"finish\":false,\"content\":\"...\",\"feedback\":{\"id\":\"FEEDBACKID\"}},\"template_card\":" + CARD_JSON + "}");
    }

    @Test
    void updateTemplateCardForSomeUsersOrEveryone() {
        assertThat(UpdateTemplateCardReply.forUsers(List.of("USERID1", "USERID2"), CARD).toJson())
                .isEqualTo("{\"response_type\":\"update_template_card\",\"userids\":[\"USERID1\",\"USERID2\"],"
                        + "\"template_card\":" + CARD_JSON + "}");
        assertThat(UpdateTemplateCardReply.forEveryone(CARD).toJson())
                .isEqualTo("{\"response_type\":\"update_template_card\",\"template_card\":" + CARD_JSON + "}");
    }

    @Test
    void theAnswerToAClickedCardCarriesTheEventsTaskIdAndLeavesTheBotsCardAlone() {
        JsonNode clicked = WecomJson.readObject("{\"msgtype\":\"event\",\"event\":{\"eventtype\":\"template_card_event\","
                + "\"template_card_event\":{\"event_key\":\"ok\",\"task_id\":\"task-42\"}}}");

        assertThat(UpdateTemplateCardReply.forClickedCard(CARD, clicked).card().path("task_id").asString()).isEqualTo("task-42");
        assertThat(CARD.path("task_id").asString()).isEqualTo("TASK_ID");
        assertThat(UpdateTemplateCardReply.forClickedCard(CARD, WecomJson.readObject("{\"event\":{}}")).toJson())
                .isEqualTo("{\"response_type\":\"update_template_card\",\"template_card\":" + CARD_JSON + "}");
    }

    @Test
    void cardsMustBeObjectsAndAreCopied() {
        ObjectNode card = WecomJson.readObject(CARD_JSON);
        var reply = new TemplateCardReply(card);
        card.put("task_id", "CHANGED");
        ((ObjectNode) reply.card()).put("task_id", "CHANGED");

        assertThat(reply.toJson()).contains("TASK_ID").doesNotContain("CHANGED");
        assertThatThrownBy(() -> new TemplateCardReply(WecomJson.readTree("[1]"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sealedReplyOpensOnTheWecomSide() {
        var bot = new WecomCrypto("token", "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C", "", AesCbcEngines.defaultEngine(),
                new SplittableRandom(9));
        String json = StreamReply.finished("STREAMID", "答案").toJson();

        var envelope = bot.sealReply(json, "1763700000", "nonce-1");

        assertThat(bot.openCallback(envelope.msgSignature(), envelope.timestamp(), envelope.nonce(), envelope.encrypt()))
                .isEqualTo(json);
    }
}
