package io.wecomrelay.benchmarks.codec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

import io.wecomrelay.schemas.wecom.CallbackEnvelope;
import io.wecomrelay.schemas.wecom.WecomJson;
import io.wecomrelay.schemas.wecom.crypto.AesCbcEngines;
import io.wecomrelay.schemas.wecom.crypto.WecomCrypto;
import tools.jackson.databind.node.ObjectNode;

/**
 * The one message every codec peer works on: a 1 KB group text callback, encrypted and signed, and a
 * 1 KB answer snapshot to seal. {@link #main} writes it as JSON for the Node peer, so that Java and
 * Node measure exactly the same bytes.
 */
public final class CodecFixture {

    public static final String TOKEN = "benchToken";
    /**
     * 43 characters whose last one carries no spare bits (its low two bits are zero): WxJava decodes the
     * key with commons-codec, which rejects a key with non-zero spare bits.
     */
    public static final String KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2A";
    public static final String TIMESTAMP = "1763700000";
    public static final String NONCE = "1372623149";
    public static final String STREAM_ID = "stream-0001";

    public final String plaintext = textCallback();
    public final String encrypt;
    public final String msgSignature;
    public final String callbackBody;
    public final String replyContent = answer();

    public CodecFixture() {
        // fixed random prefix: the fixture is the same bytes in every run
        var crypto = new WecomCrypto(TOKEN, KEY, "", AesCbcEngines.jca(), new SplittableRandom(42));
        encrypt = crypto.encrypt(plaintext);
        msgSignature = crypto.signature(TIMESTAMP, NONCE, encrypt);
        callbackBody = new CallbackEnvelope(encrypt).toJson();
    }

    /** Writes the fixture for the Node peer: {@code java ... CodecFixture FILE}. */
    public static void main(String[] args) throws IOException {
        var fixture = new CodecFixture();
        ObjectNode json = WecomJson.mapper().createObjectNode();
        json.put("token", TOKEN).put("key", KEY).put("timestamp", TIMESTAMP).put("nonce", NONCE)
                .put("streamId", STREAM_ID).put("msgSignature", fixture.msgSignature)
                .put("callbackBody", fixture.callbackBody).put("plaintext", fixture.plaintext)
                .put("replyContent", fixture.replyContent);
        Path out = Path.of(args[0]);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, WecomJson.write(json), StandardCharsets.UTF_8);
    }

    // A group text callback of about 1 KB: mention, mixed Chinese and ASCII, response_url.
    private static String textCallback() {
        ObjectNode root = WecomJson.mapper().createObjectNode();
        root.put("msgid", "CAIQ16HMjQYY/NGagIOAgAMgq4KM0AI=");
        root.put("aibotid", "aibBenchmarkBot0001");
        root.put("chatid", "wrkSFfCgAAbenchmarkGroup");
        root.put("chattype", "group");
        root.putObject("from").put("userid", "zhangsan");
        root.put("response_url", "https://qyapi.weixin.qq.com/cgi-bin/aibot/response?response_code=BENCHMARK_RESPONSE_CODE");
        root.put("msgtype", "text");
        root.putObject("text").put("content", "@RobotA " + repeatToBytes("请帮我总结一下今天的会议纪要 and list the action items. ", 760));
        String json = WecomJson.write(root);
        int bytes = json.getBytes(StandardCharsets.UTF_8).length;
        if (bytes < 950 || bytes > 1100) {
            throw new IllegalStateException("callback is " + bytes + " bytes, expected about 1 KB");
        }
        return json;
    }

    // A Markdown answer snapshot of about 1 KB.
    private static String answer() {
        return repeatToBytes("**广州**今日天气：29度，大部分多云，降雨概率 60%。\n- bring an umbrella\n", 1000);
    }

    private static String repeatToBytes(String unit, int maxBytes) {
        StringBuilder text = new StringBuilder();
        while ((text + unit).getBytes(StandardCharsets.UTF_8).length <= maxBytes) {
            text.append(unit);
        }
        return text.toString();
    }
}
