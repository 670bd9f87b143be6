package io.wecomrelay.schemas.wecom.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;

import io.wecomrelay.schemas.event.ChatType;
import io.wecomrelay.schemas.wecom.CallbackEnvelope;
import io.wecomrelay.schemas.wecom.WecomFixtures;
import io.wecomrelay.schemas.wecom.WecomJson;
import io.wecomrelay.schemas.wecom.WecomFixtures.CallbackCase;
import io.wecomrelay.schemas.wecom.crypto.AesCbcEngines;
import io.wecomrelay.schemas.wecom.crypto.WecomCrypto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Full inbound callbacks, encrypted by the official library, opened and typed by us. */
class CallbackFixturesTest {

    private final WecomCrypto crypto = crypto();

    private static WecomCrypto crypto() {
        var bot = WecomFixtures.callbackBot();
        return new WecomCrypto(bot.token(), bot.encodingAesKey(), bot.receiveId(), AesCbcEngines.defaultEngine(),
                new SplittableRandom(5));
    }

    static List<CallbackCase> callbacks() {
        return WecomFixtures.callbacks();
    }

    private WecomCallback open(String name) {
        CallbackCase c = WecomFixtures.callback(name);
        var envelope = CallbackEnvelope.parse(c.body());
        return WecomCallback.parse(crypto.openCallback(c.msgSignature(), c.timestamp(), c.nonce(), envelope.encrypt()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("callbacks")
    void everyFixtureVerifiesDecryptsAndParses(CallbackCase c) {
        String plaintext = crypto.openCallback(c.msgSignature(), c.timestamp(), c.nonce(), CallbackEnvelope.parse(c.body()).encrypt());

        assertThat(plaintext).isEqualTo(c.plaintext());
        WecomCallback callback = WecomCallback.parse(plaintext);
        assertThat(callback.meta().msgType()).isEqualTo(c.msgType());
        assertThat(callback.raw()).isEqualTo(WecomJson.readObject(c.plaintext()));
    }

    @Test
    void answersUrlVerificationWithTheDecryptedEchostr() {
        var v = WecomFixtures.urlVerification();

        assertThat(crypto.openCallback(v.msgSignature(), v.timestamp(), v.nonce(), v.echostr())).isEqualTo(v.expectedResponse());
    }

    @Test
    void text() {
        var text = (TextMessage) open("text");

        assertThat(text.content()).isEqualTo("@RobotA hello robot");
        var meta = text.meta();
        assertThat(meta.msgId()).isEqualTo("CAIQ16HMjQYY/NGagIOAgAMgq4KM0AI=");
        assertThat(meta.aibotId()).isEqualTo("aibFixtureBot0001");
        assertThat(meta.chatId()).isEqualTo("wrkSFfCgAAfixtureGroup");
        assertThat(meta.chatType()).isEqualTo(ChatType.GROUP);
        assertThat(meta.isGroup()).isTrue();
        assertThat(meta.userId()).isEqualTo("zhangsan");
        assertThat(meta.responseUrl()).isEqualTo("https://qyapi.weixin.qq.com/cgi-bin/aibot/response?response_code=RC_TEXT");
        assertThat(meta.quote()).isNull();
        assertThat(meta.createTime()).isNull();
        assertThat(meta.eventType()).isNull();
    }

    @Test
    void textInASingleChatWithTheMentionAtTheEnd() {
        var text = (TextMessage) open("text-single");

        assertThat(text.content()).isEqualTo("hello@项目开发管理助手 ");
        assertThat(text.meta().chatType()).isEqualTo(ChatType.SINGLE);
        assertThat(text.meta().chatId()).isNull();
        assertThat(text.meta().createTime()).isEqualTo(Instant.ofEpochSecond(1763700000));
    }

    @Test
    void quoteOfText() {
        var text = (TextMessage) open("quote");

        assertThat(text.content()).isEqualTo("@RobotA 总结一下");
        Quote quote = text.meta().quote();
        assertThat(quote).isNotNull();
        assertThat(quote.msgType()).isEqualTo("text");
        assertThat(quote.text()).isEqualTo("这是今日的测试情况");
        assertThat(quote.url()).isNull();
    }

    @Test
    void quoteOfImage() {
        Quote quote = open("quote-image").meta().quote();

        assertThat(quote).isNotNull();
        assertThat(quote.msgType()).isEqualTo("image");
        assertThat(quote.url()).isEqualTo("https://ww-aibot-img-1258476243.cos.ap-guangzhou.myqcloud.com/QUOTED?sign=abc");
        assertThat(quote.text()).isNull();
    }

    @Test
    void image() {
        var image = (ImageMessage) open("image");

        assertThat(image.url()).startsWith("https://ww-aibot-img-1258476243.cos.ap-guangzhou.myqcloud.com/IMAGE?sign=");
        assertThat(image.aesKey()).isNull();
        assertThat(image.meta().msgId()).isEqualTo("CAIQz7/MjQYY/NGagIOAgAMgl8jK/gI=");
        assertThat(image.toString()).doesNotContain("sign=");
    }

    @Test
    void mixed() {
        var mixed = (MixedMessage) open("mixed");

        assertThat(mixed.items()).containsExactly(
                new MixedItem.Text("@机器人 这是今日的测试情况"),
                new MixedItem.Image("https://ww-aibot-img-1258476243.cos.ap-guangzhou.myqcloud.com/MIXED?sign=x", null));
        assertThat(mixed.meta().quote()).isNotNull();
        assertThat(mixed.meta().quote().text()).isEqualTo("这是今日的测试情况");
    }

    @Test
    void mixedThatArrivesAsAJsonString() {
        var mixed = (MixedMessage) open("mixed-as-string");

        assertThat(mixed.items()).containsExactly(
                new MixedItem.Text("看这个"), new MixedItem.Image("https://example.invalid/img", null));
    }

    @Test
    void voice() {
        assertThat(((VoiceMessage) open("voice")).content()).isEqualTo("这是语音转成文本的内容");
    }

    @Test
    void fileAndVideo() {
        assertThat(((FileMessage) open("file")).url()).contains("/FILE?sign=f");
        assertThat(((VideoMessage) open("video")).url()).contains("/VIDEO?sign=v");
    }

    @Test
    void streamRefresh() {
        var refresh = (StreamRefresh) open("stream-refresh");

        assertThat(refresh.streamId()).isEqualTo("STREAMID-0001");
        assertThat(refresh.meta().responseUrl()).isNull();
    }

    @Test
    void enterChat() {
        var event = (EnterChatEvent) open("enter-chat");

        assertThat(event.meta().eventType()).isEqualTo("enter_chat");
        assertThat(event.meta().chatType()).isEqualTo(ChatType.SINGLE); // enter_chat carries none: a single chat
        assertThat(event.meta().chatId()).isNull();
        assertThat(event.meta().corpId()).isEqualTo("wpFixtureCorp");
        assertThat(event.meta().createTime()).isEqualTo(Instant.ofEpochSecond(1700000000));
        assertThat(event.userId()).isEqualTo("wangwu");
    }

    @Test
    void templateCardEvent() {
        var event = (TemplateCardEvent) open("template-card-event");

        assertThat(event.cardType()).isEqualTo("vote_interaction");
        assertThat(event.eventKey()).isEqualTo("button_replace_text");
        assertThat(event.taskId()).isEqualTo("fBmjTL7ErRCQSNA6GZKMlcFiWX1shOvg");
        assertThat(event.selectedItems()).containsExactly(
                new TemplateCardEvent.SelectedItem("button_selection_key1", List.of("one", "two")));
        assertThat(event.meta().responseUrl()).endsWith("RC_CARD");
    }

    @Test
    void feedbackEvent() {
        var event = (FeedbackEvent) open("feedback-event");

        assertThat(event.feedbackId()).isEqualTo("FEEDBACKID");
        assertThat(event.type()).isEqualTo(2);
        assertThat(event.content()).isEqualTo("能再详细一些么");
        assertThat(event.inaccurateReasons()).containsExactly(2, 4);
    }

    @Test
    void unknownMessageTypeStaysAuditable() {
        var unknown = (UnknownCallback) open("unknown-msgtype");

        assertThat(unknown.meta().msgType()).isEqualTo("location");
        assertThat(unknown.raw().get("location").get("latitude").asDouble()).isEqualTo(23.1);
    }
}
