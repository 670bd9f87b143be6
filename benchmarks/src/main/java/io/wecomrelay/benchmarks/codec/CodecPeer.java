package io.wecomrelay.benchmarks.codec;

import java.util.SplittableRandom;

import io.wecomrelay.schemas.wecom.CallbackEnvelope;
import io.wecomrelay.schemas.wecom.ReplyEnvelope;
import io.wecomrelay.schemas.wecom.crypto.AesCbcEngine;
import io.wecomrelay.schemas.wecom.crypto.WecomCrypto;
import io.wecomrelay.schemas.wecom.message.WecomCallback;
import io.wecomrelay.schemas.wecom.reply.StreamReply;
import me.chanjar.weixin.common.util.crypto.WxCryptUtil;

/**
 * One implementation of the two codec hot paths. The JSON work around the crypto (reading the
 * envelope, typing the callback, building the reply and its envelope) is our code for every Java
 * peer; ours uses the byte-level entry points ({@code openCallbackUtf8}, {@code toJsonBytes}), WxJava's
 * API takes and returns strings, so it gets the string ones.
 */
interface CodecPeer {

    /** Read the envelope, verify the signature, decrypt, type the callback. */
    WecomCallback open(String callbackBody, String msgSignature, String timestamp, String nonce);

    /** Build the stream reply JSON, encrypt, sign, write the reply envelope. */
    String seal(String streamId, String content, String timestamp, String nonce);

    /** wecom-relay's codec ({@code schemas}) with the given AES engine. */
    static CodecPeer ours(AesCbcEngine engine) {
        // SplittableRandom instead of SecureRandom: the random prefix costs every peer about the same, and
        // a blocking or reseeding SecureRandom would only add noise. JMH runs one thread here.
        var crypto = new WecomCrypto(CodecFixture.TOKEN, CodecFixture.KEY, "", engine, new SplittableRandom(42));
        return new CodecPeer() {
            @Override
            public WecomCallback open(String callbackBody, String msgSignature, String timestamp, String nonce) {
                var envelope = CallbackEnvelope.parse(callbackBody);
                // UTF-8 from the frame straight into the JSON parser: the plaintext is never a String
                return WecomCallback.parse(crypto.openCallbackUtf8(msgSignature, timestamp, nonce, envelope.encrypt()));
            }

            @Override
            public String seal(String streamId, String content, String timestamp, String nonce) {
                // the reply JSON is written as UTF-8, the bytes sealReply encrypts, without a String between
                return crypto.sealReply(StreamReply.partial(streamId, content).toJsonBytes(), timestamp, nonce).toJson();
            }
        };
    }

    /**
     * WxJava's {@link WxCryptUtil} ({@code decryptContent}: SHA-1 check, commons-codec base64, a new
     * {@code Cipher} per call; {@code encryptContext}: random string, encrypt, sign with its own
     * timestamp and nonce), wrapped in the same JSON as ours.
     */
    static CodecPeer wxJava() {
        var util = new WxCryptUtil(CodecFixture.TOKEN, CodecFixture.KEY, "");
        return new CodecPeer() {
            @Override
            public WecomCallback open(String callbackBody, String msgSignature, String timestamp, String nonce) {
                var envelope = CallbackEnvelope.parse(callbackBody);
                return WecomCallback.parse(util.decryptContent(msgSignature, timestamp, nonce, envelope.encrypt()));
            }

            @Override
            public String seal(String streamId, String content, String timestamp, String nonce) {
                WxCryptUtil.EncryptContext sealed = util.encryptContext(StreamReply.partial(streamId, content).toJson());
                return new ReplyEnvelope(sealed.getEncrypt(), sealed.getSignature(), sealed.getTimeStamp(),
                        sealed.getNonce()).toJson();
            }
        };
    }
}
