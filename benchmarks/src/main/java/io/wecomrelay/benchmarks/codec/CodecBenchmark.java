package io.wecomrelay.benchmarks.codec;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import io.wecomrelay.schemas.wecom.CallbackEnvelope;
import io.wecomrelay.schemas.wecom.WecomJson;
import io.wecomrelay.schemas.wecom.crypto.AesCbcEngine;
import io.wecomrelay.schemas.wecom.crypto.AesCbcEngines;
import io.wecomrelay.schemas.wecom.crypto.WecomCrypto;
import io.wecomrelay.schemas.wecom.message.TextMessage;
import io.wecomrelay.schemas.wecom.message.WecomCallback;
import io.wecomrelay.schemas.wecom.reply.StreamReply;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import tools.jackson.databind.node.ObjectNode;

/**
 * JCA vs BouncyCastle AES engine on the codec's two hot paths. Short settings (2 forks x (5 x 1 s warmup + 5 x 2 s) per
 * point) keep the whole run under three minutes on two shared cores.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 2, jvmArgsAppend = {"-Xms256m", "-Xmx256m"})
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 2)
@State(Scope.Benchmark)
public class CodecBenchmark {

    private static final String TOKEN = "benchToken";
    private static final String KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
    private static final String TIMESTAMP = "1763700000";
    private static final String NONCE = "1372623149";

    @Param({"jca", "bouncycastle"})
    public String engine;

    private WecomCrypto crypto;
    private String callbackBody;
    private String msgSignature;
    private String replyContent;

    @Setup
    public void setUp() {
        AesCbcEngine aes = "jca".equals(engine) ? AesCbcEngines.jca() : AesCbcEngines.bouncyCastle();
        // SplittableRandom instead of SecureRandom: the random prefix costs both engines the same, and
        // a blocking or reseeding SecureRandom would only add noise. JMH runs one thread here.
        crypto = new WecomCrypto(TOKEN, KEY, "", aes, new SplittableRandom(42));
        String plaintext = textCallback();
        String encrypt = crypto.encrypt(plaintext);
        msgSignature = crypto.signature(TIMESTAMP, NONCE, encrypt);
        callbackBody = new CallbackEnvelope(encrypt).toJson();
        replyContent = answer();
        if (!(WecomCallback.parse(crypto.openCallback(msgSignature, TIMESTAMP, NONCE, encrypt)) instanceof TextMessage)) {
            throw new IllegalStateException("benchmark callback does not round-trip");
        }
    }

    /** (a) What ingress does per POST: read the body, verify, decrypt, type the callback. */
    @Benchmark
    public WecomCallback openTextCallback() {
        var envelope = CallbackEnvelope.parse(callbackBody);
        return WecomCallback.parse(crypto.openCallback(msgSignature, TIMESTAMP, NONCE, envelope.encrypt()));
    }

    /** (b) What the responder does per refresh: build the stream JSON, encrypt, sign, write the envelope. */
    @Benchmark
    public String sealStreamReply() {
        String json = StreamReply.partial("stream-0001", replyContent).toJson();
        return crypto.sealReply(json, TIMESTAMP, NONCE).toJson();
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
