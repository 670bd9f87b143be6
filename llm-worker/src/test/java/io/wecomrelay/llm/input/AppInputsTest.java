package io.wecomrelay.llm.input;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import io.wecomrelay.schemas.event.Decision;
import io.wecomrelay.schemas.event.MessageAccepted;
import io.wecomrelay.schemas.testing.Events;
import io.wecomrelay.schemas.wecom.app.AppMessage;
import org.junit.jupiter.api.Test;

/** A self-built app's messages, as ingress records them, read by the one {@link Inputs}. */
class AppInputsTest {

    private final Inputs inputs = new Inputs(Map.of(), List.of("/new", "新对话"), "请看附件");

    @Test
    void aTextIsAskedAsTyped() {
        assertThat(read("text", "<Content><![CDATA[ 年假怎么请？ ]]></Content><MsgId>1</MsgId>"))
                .isEqualTo(new Input.Query("年假怎么请？"));
    }

    @Test
    void aResetCommandStartsANewConversation() {
        assertThat(read("text", "<Content>新对话</Content><MsgId>1</MsgId>")).isEqualTo(new Input.Reset());
    }

    @Test
    void aLocationAndALinkAreDescribedInWords() {
        assertThat(read("location", "<Location_X>23.1</Location_X><Location_Y>113.3</Location_Y><Scale>15</Scale>"
                + "<Label><![CDATA[广州塔]]></Label><MsgId>2</MsgId>"))
                .isEqualTo(new Input.Query("[位置 / location] 广州塔 (23.1, 113.3)"));
        assertThat(read("link", "<Title>标题</Title><Description>描述</Description><Url>https://example.com/a</Url>"
                + "<PicUrl>https://example.com/p.png</PicUrl><MsgId>3</MsgId>"))
                .isEqualTo(new Input.Query("标题\n描述\nhttps://example.com/a"));
    }

    @Test
    void eventsAreIgnored() {
        assertThat(read("event", "<Event>enter_agent</Event><EventKey></EventKey>")).isInstanceOf(Input.Ignored.class);
    }

    @Test
    void imageVoiceVideoAndFileAreTheirMediaIdsWithTheMediaOnlyQuery() {
        assertThat(read("image", "<PicUrl>https://p</PicUrl><MediaId><![CDATA[ img-1 ]]></MediaId><MsgId>4</MsgId>"))
                .isEqualTo(new Input.Query("请看附件", List.of(new Attachment.AppMedia(Attachment.Kind.IMAGE, "img-1"))));
        assertThat(read("voice", "<MediaId>v-1</MediaId><Format>amr</Format><MsgId>5</MsgId>"))
                .isEqualTo(new Input.Query("请看附件", List.of(new Attachment.AppMedia(Attachment.Kind.VOICE, "v-1"))));
        assertThat(read("video", "<MediaId>m-1</MediaId><ThumbMediaId>t-1</ThumbMediaId><MsgId>6</MsgId>"))
                .isEqualTo(new Input.Query("请看附件", List.of(new Attachment.AppMedia(Attachment.Kind.VIDEO, "m-1"))));
        assertThat(read("file", "<MediaId>f-1</MediaId><MsgId>7</MsgId>"))
                .isEqualTo(new Input.Query("请看附件", List.of(new Attachment.AppMedia(Attachment.Kind.FILE, "f-1"))));
        assertThat(new Attachment.AppMedia(Attachment.Kind.IMAGE, "secret-id").toString()).doesNotContain("secret-id");
    }

    @Test
    void mediaWithoutAMediaIdAreUnsupported() {
        assertThat(read("image", "<PicUrl>https://p</PicUrl><MsgId>8</MsgId>")).isEqualTo(new Input.Unsupported("image"));
        assertThat(read("voice", "<MediaId> </MediaId><MsgId>9</MsgId>")).isEqualTo(new Input.Unsupported("voice"));
    }

    private Input read(String msgType, String elements) {
        String xml = "<xml><ToUserName>ww1</ToUserName><FromUserName>u</FromUserName><CreateTime>1</CreateTime>"
                + "<MsgType>" + msgType + "</MsgType>" + elements + "<AgentID>7</AgentID></xml>";
        var message = AppMessage.parse(xml.getBytes(StandardCharsets.UTF_8)).toInboundMessage(7);
        var accepted = Events.accepted("app-bot", message.msgId(), Events.T0);
        return inputs.read(new MessageAccepted(accepted.meta(), "app-bot", accepted.streamId(), accepted.conversationKey(),
                message, Events.T0, new Decision("accept", "x")));
    }
}
