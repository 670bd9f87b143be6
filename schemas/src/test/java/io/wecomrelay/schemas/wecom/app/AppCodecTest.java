package io.wecomrelay.schemas.wecom.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

import io.wecomrelay.schemas.event.Channel;
import io.wecomrelay.schemas.event.ChatType;
import io.wecomrelay.schemas.event.InboundMessage;
import io.wecomrelay.schemas.wecom.WecomCryptoException;
import io.wecomrelay.schemas.wecom.WecomError;
import io.wecomrelay.schemas.wecom.crypto.AesCbcEngines;
import io.wecomrelay.schemas.wecom.crypto.WecomCrypto;
import org.junit.jupiter.api.Test;

/** The official vectors of the XML library (protocol reference §9 A and B) and the app codec around them. */
class AppCodecTest {

    static final String CORP_A = "wx5823bf96d3bd56c7";
    static final WecomCrypto CRYPTO_A = new WecomCrypto("QDG6eK", "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C", CORP_A,
            AesCbcEngines.defaultEngine(), new SecureRandom());
    static final String BODY_A = "<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName><Encrypt><![CDATA[RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==]]></Encrypt><AgentID><![CDATA[218]]></AgentID></xml>";

    @Test
    void opensTheOfficialGoAndJavaVector() {
        AppEnvelope envelope = AppEnvelope.parse(utf8(BODY_A));
        assertThat(envelope.toUserName()).isEqualTo(CORP_A);
        assertThat(envelope.agentId()).isEqualTo("218");

        byte[] plaintext = CRYPTO_A.openCallbackUtf8("477715d11cdb4164915debcba66cb864d751f3e6", "1409659813",
                "1372623149", envelope.encrypt());
        AppMessage message = AppMessage.parse(plaintext);

        assertThat(message.fromUserName()).isEqualTo("mycreate");
        assertThat(message.msgType()).isEqualTo("text");
        assertThat(message.text("Content")).isEqualTo("hello");
        assertThat(message.msgId()).isEqualTo("4561255354251345929");
        assertThat(message.agentId()).isEqualTo("218");
        assertThat(message.createTime()).isEqualTo(1409659813L);
    }

    @Test
    void answersTheOfficialUrlVerification() {
        String echo = CRYPTO_A.openCallback("5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3", "1409659589", "263014780",
                "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==");

        assertThat(echo).isEqualTo("1616140317555161061");
    }

    @Test
    void opensThePythonVectorWhosePlaintextHasNoCdata() {
        var crypto = new WecomCrypto("hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo", "6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt",
                "ww1436e0e65a779aee", AesCbcEngines.defaultEngine(), new SecureRandom());
        byte[] plaintext = crypto.openCallbackUtf8("0c3914025cb4b4d68103f6bfc8db550f79dcf48e", "1476422779", "1597212914",
                "Kl7kjoSf6DMD1zh7rtrHjFaDapSCkaOnwu3bqLc5tAybhhMl9pFeK8NslNPVdMwmBQTNoW4mY7AIjeLvEl3NyeTkAgGzBhzTtRLNshw2AEew+kkYcD+Fq72Kt00fT0WnN87hGrW8SqGc+NcT3mu87Ha3dz1pSDi6GaUA6A0sqfde0VJPQbZ9U+3JWcoD4Z5jaU0y9GSh010wsHF8KZD24YhmZH4ch4Ka7ilEbjbfvhKkNL65HHL0J6EYJIZUC2pFrdkJ7MhmEbU2qARR4iQHE7wy24qy0cRX3Mfp6iELcDNfSsPGjUQVDGxQDCWjayJOpcwocugux082f49HKYg84EpHSGXAyh+/oxwaWbvL6aSDPOYuPDGOCI8jmnKiypE+");

        AppMessage message = AppMessage.parse(plaintext);

        assertThat(message.text("Content")).isEqualTo("你好");
        assertThat(message.agentId()).isEqualTo("1000002");
    }

    @Test
    void aCiphertextForAnotherCorpIsRefused() {
        var otherCorp = new WecomCrypto("QDG6eK", "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C", "wwOTHERCORP",
                AesCbcEngines.defaultEngine(), new SecureRandom());
        String encrypt = otherCorp.encrypt("<xml></xml>");
        String signature = otherCorp.signature("1409659813", "n", encrypt);

        assertThatThrownBy(() -> CRYPTO_A.openCallbackUtf8(signature, "1409659813", "n", encrypt))
                .isInstanceOfSatisfying(WecomCryptoException.class,
                        e -> assertThat(e.error()).isEqualTo(WecomError.VALIDATE_CORPID_ERROR));
    }

    @Test
    void sealsThePassiveReplyOfVectorC() {
        var reply = new AppTextReply("mycreate", CORP_A, 1409659813L, "hello");
        byte[] random16 = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

        String sealed = reply.seal(CRYPTO_A, "1409659813", "1372623149", random16);

        var fields = SafeXml.read(utf8(sealed));
        assertThat(fields.path("Encrypt").asString()).isEqualTo("sKqRbbiSUnDhFHOvPjtUMUfes4/2uKY1g9DFmYoQAgeG2lGZONATyKWRDvzuxzQiQdIha6gkfdfKPf+dWPq89c8dFM29NV2Dcenu3P4StHpPh3tJx8AQoZsK6m19Bm5KeqGAgP7QPvJw7kTS0KZTeoMvKNrQFcNXV9XtcJEfo+8T955q4mm3bFkRylRmigVZ6s35VNAL/DDWjTCA+4+aPGLYz0GEGzJUwarw0YS+bgN1SNnGDXdMWPBZEx9hQmVV9VxcCl/krOM0d+3UxNooujbT/4o7g5tmGTPOS/LAwko8lEXNqimYLmLiu5LJ6cMrTOUtiR342qpmtrqS6C/MtOktxDu4/Pch+lVtAMMHlamPyjtgLvfoTBpL3PCgCopB");
        assertThat(fields.path("MsgSignature").asString()).isEqualTo("fd6903c7056304d70ccd43f9c2d048ae661c2171");
        assertThat(fields.path("TimeStamp").asString()).isEqualTo("1409659813");
        assertThat(fields.path("Nonce").asString()).isEqualTo("1372623149");
    }

    @Test
    void envelopeRoundTripsWhateverTheOrderOfItsElements() {
        var envelope = new AppEnvelope(CORP_A, "218", "abc+/=");

        assertThat(AppEnvelope.parse(utf8(envelope.toXml()))).isEqualTo(envelope);
        assertThat(AppEnvelope.parse(utf8("<xml><Encrypt>abc</Encrypt></xml>")))
                .isEqualTo(new AppEnvelope(null, null, "abc"));
    }

    @Test
    void aMessageBecomesAnInboundMessageOfTheAppChannelKeyedByItsMsgId() {
        InboundMessage inbound = AppMessage.parse(utf8(text("4561255354251345929"))).toInboundMessage(218);

        assertThat(inbound.channel()).isEqualTo(Channel.APP);
        assertThat(inbound.msgId()).isEqualTo("218:mycreate:4561255354251345929");
        assertThat(inbound.msgType()).isEqualTo("text");
        assertThat(inbound.chatType()).isEqualTo(ChatType.SINGLE);
        assertThat(inbound.userId()).isEqualTo("mycreate");
        assertThat(inbound.responseUrl()).isNull();
        assertThat(inbound.body().path("Content").asString()).isEqualTo("hello");
    }

    @Test
    void eventsAreKeyedBySenderTimeEventAndKey() {
        AppMessage click = AppMessage.parse(utf8(event("click", "menu-1")));
        AppMessage sameClickAgain = AppMessage.parse(utf8(event("click", "menu-1")));
        AppMessage otherMenu = AppMessage.parse(utf8(event("click", "menu-2")));

        assertThat(click.isEvent()).isTrue();
        assertThat(click.dedupKey(218)).isEqualTo(sameClickAgain.dedupKey(218))
                .isNotEqualTo(otherMenu.dedupKey(218))
                .isNotEqualTo(click.dedupKey(219))
                .startsWith("218:mycreate:1409659813:click:");
        assertThat(click.toInboundMessage(218).eventType()).isEqualTo("click");
    }

    @Test
    void readsNestedAndRepeatedElementsOfATemplateCardEvent() {
        AppMessage event = AppMessage.parse(utf8("""
                <xml><ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[FromUser]]></FromUserName><CreateTime>123456789</CreateTime>
                <MsgType><![CDATA[event]]></MsgType><Event><![CDATA[template_card_event]]></Event><EventKey><![CDATA[key111]]></EventKey>
                <TaskId><![CDATA[taskid111]]></TaskId><CardType><![CDATA[text_notice]]></CardType><ResponseCode><![CDATA[ResponseCode]]></ResponseCode><AgentID>1</AgentID>
                <SelectedItems><SelectedItem><QuestionKey><![CDATA[QuestionKey1]]></QuestionKey><OptionIds><OptionId><![CDATA[OptionId1]]></OptionId>
                <OptionId><![CDATA[OptionId2]]></OptionId></OptionIds></SelectedItem></SelectedItems></xml>"""));

        assertThat(event.event()).isEqualTo("template_card_event");
        assertThat(event.text("TaskId")).isEqualTo("taskid111");
        assertThat(event.fields().at("/SelectedItems/SelectedItem/OptionIds/OptionId/1").asString()).isEqualTo("OptionId2");
    }

    @Test
    void refusesAnEntityExpansionBomb() {
        String bomb = """
                <?xml version="1.0"?>
                <!DOCTYPE xml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
                <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>
                <xml><Encrypt>&d;</Encrypt></xml>""";

        assertThatThrownBy(() -> AppEnvelope.parse(utf8(bomb)))
                .isInstanceOf(AppXmlException.class).hasMessageContaining("DOCTYPE");
    }

    @Test
    void refusesExternalEntitiesAndDtds() {
        String external = """
                <?xml version="1.0"?><!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]><xml><Encrypt>&x;</Encrypt></xml>""";
        String dtd = """
                <?xml version="1.0"?><!DOCTYPE xml SYSTEM "http://127.0.0.1:1/evil.dtd"><xml><Encrypt>a</Encrypt></xml>""";

        assertThatThrownBy(() -> AppEnvelope.parse(utf8(external))).isInstanceOf(AppXmlException.class);
        assertThatThrownBy(() -> AppEnvelope.parse(utf8(dtd))).isInstanceOf(AppXmlException.class);
    }

    @Test
    void refusesOversizedDeepOrWideDocuments() {
        String big = "<xml><Encrypt>" + "a".repeat(SafeXml.MAX_BYTES) + "</Encrypt></xml>";
        String deep = "<xml>" + "<a>".repeat(SafeXml.MAX_DEPTH + 1) + "x" + "</a>".repeat(SafeXml.MAX_DEPTH + 1) + "</xml>";
        String wide = "<xml>" + "<a>x</a>".repeat(SafeXml.MAX_ELEMENTS + 1) + "</xml>";

        assertThatThrownBy(() -> SafeXml.read(utf8(big))).hasMessageContaining("bytes, over");
        assertThatThrownBy(() -> SafeXml.read(utf8(deep))).hasMessageContaining("nested deeper");
        assertThatThrownBy(() -> SafeXml.read(utf8(wide))).hasMessageContaining("more than");
    }

    @Test
    void refusesMalformedDocumentsWithoutQuotingThem() {
        assertThatThrownBy(() -> SafeXml.read(utf8("<xml><Encrypt>secret-text")))
                .isInstanceOf(AppXmlException.class).message().doesNotContain("secret-text");
        assertThatThrownBy(() -> SafeXml.read(utf8("<html></html>"))).hasMessageContaining("not <xml>");
        assertThatThrownBy(() -> AppEnvelope.parse(utf8("<xml><ToUserName>a</ToUserName></xml>")))
                .hasMessageContaining("without <Encrypt>");
        assertThatThrownBy(() -> AppMessage.parse(utf8(text("12a")))).hasMessageContaining("malformed <MsgId>");
        assertThatThrownBy(() -> AppMessage.parse(utf8(text("1").replace("<FromUserName><![CDATA[mycreate]]></FromUserName>", ""))))
                .hasMessageContaining("missing <FromUserName>");
        assertThatThrownBy(() -> AppMessage.parse(utf8(event("click", "k").replace("<Event><![CDATA[click]]></Event>", ""))))
                .hasMessageContaining("missing <Event>");
    }

    static String text(String msgId) {
        return "<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName><FromUserName><![CDATA[mycreate]]></FromUserName>"
                + "<CreateTime>1409659813</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hello]]></Content>"
                + "<MsgId>" + msgId + "</MsgId><AgentID>218</AgentID></xml>";
    }

    static String event(String event, String key) {
        return "<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName><FromUserName><![CDATA[mycreate]]></FromUserName>"
                + "<CreateTime>1409659813</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[" + event
                + "]]></Event><EventKey><![CDATA[" + key + "]]></EventKey><AgentID>218</AgentID></xml>";
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
