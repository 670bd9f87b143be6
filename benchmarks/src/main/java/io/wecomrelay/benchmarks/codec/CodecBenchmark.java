package io.wecomrelay.benchmarks.codec;

import java.util.concurrent.TimeUnit;

import io.wecomrelay.schemas.wecom.ReplyEnvelope;
import io.wecomrelay.schemas.wecom.crypto.AesCbcEngines;
import io.wecomrelay.schemas.wecom.crypto.WecomCrypto;
import io.wecomrelay.schemas.wecom.message.TextMessage;
import io.wecomrelay.schemas.wecom.message.WecomCallback;
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

/**
 * The codec's two hot paths, ours (JCA and BouncyCastle AES engines) against WxJava's
 * {@code WxCryptUtil}, on the same 1 KB message ({@link CodecFixture}). One thread: µs/op is per
 * core. Short settings (2 forks x (5 x 1 s warmup + 5 x 1 s)) keep the suite near two and a half
 * minutes on two shared cores. The Node peer ({@code @wecom/crypto}) runs beside it from
 * {@code benchmarks/src/main/js}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 2, jvmArgsAppend = {"-Xms256m", "-Xmx256m"})
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Benchmark)
public class CodecBenchmark {

    @Param({"jca", "bouncycastle", "wxjava"})
    public String impl;

    private final CodecFixture fixture = new CodecFixture();
    private CodecPeer peer;

    @Setup
    public void setUp() {
        peer = switch (impl) {
            case "jca" -> CodecPeer.ours(AesCbcEngines.jca());
            case "bouncycastle" -> CodecPeer.ours(AesCbcEngines.bouncyCastle());
            case "wxjava" -> CodecPeer.wxJava();
            default -> throw new IllegalArgumentException(impl);
        };
        // every peer must open the fixture, and its replies must open with our codec (same wire format)
        if (!(openTextCallback() instanceof TextMessage)) {
            throw new IllegalStateException(impl + ": benchmark callback does not round-trip");
        }
        var check = new WecomCrypto(CodecFixture.TOKEN, CodecFixture.KEY, "", AesCbcEngines.jca(), new java.security.SecureRandom());
        ReplyEnvelope reply = ReplyEnvelope.parse(sealStreamReply());
        if (!check.verify(reply.msgSignature(), reply.timestamp(), reply.nonce(), reply.encrypt())
                || !check.decrypt(reply.encrypt()).contains(CodecFixture.STREAM_ID)) {
            throw new IllegalStateException(impl + ": sealed reply does not verify");
        }
    }

    /** (a) What ingress does per POST: read the body, verify, decrypt, type the callback. */
    @Benchmark
    public WecomCallback openTextCallback() {
        return peer.open(fixture.callbackBody, fixture.msgSignature, CodecFixture.TIMESTAMP, CodecFixture.NONCE);
    }

    /** (b) What ingress does per refresh: build the stream JSON, encrypt, sign, write the envelope. */
    @Benchmark
    public String sealStreamReply() {
        return peer.seal(CodecFixture.STREAM_ID, fixture.replyContent, CodecFixture.TIMESTAMP, CodecFixture.NONCE);
    }
}
