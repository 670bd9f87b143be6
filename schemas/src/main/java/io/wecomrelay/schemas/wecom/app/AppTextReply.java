package io.wecomrelay.schemas.wecom.app;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

import io.wecomrelay.schemas.wecom.ReplyEnvelope;
import io.wecomrelay.schemas.wecom.crypto.WecomCrypto;

/**
 * A passive {@code text} reply of a self-built app, in the callback's own HTTP answer: WeCom shows it at once (the
 * relay's "thinking…" notice; the answer follows through {@code message/send}). The direction flips:
 * {@code ToUserName} is the member, {@code FromUserName} the CorpID.
 *
 * @param content at most 2,048 bytes, or WeCom cuts it off
 */
public record AppTextReply(String toUser, String corpId, long createTime, String content) {

    public AppTextReply {
        Objects.requireNonNull(toUser, "toUser");
        Objects.requireNonNull(corpId, "corpId");
        Objects.requireNonNull(content, "content");
    }

    /** The plaintext XML, string elements in CDATA and {@code CreateTime} bare, as WeCom's libraries write it. */
    public String toXml() {
        return "<xml><ToUserName>" + Cdata.of(toUser) + "</ToUserName><FromUserName>" + Cdata.of(corpId)
                + "</FromUserName><CreateTime>" + createTime + "</CreateTime><MsgType>" + Cdata.of("text")
                + "</MsgType><Content>" + Cdata.of(content) + "</Content></xml>";
    }

    /** Encrypted and signed into the reply envelope ({@code Encrypt}, {@code MsgSignature}, {@code TimeStamp}, {@code Nonce}). */
    public String seal(WecomCrypto crypto, String timestamp, String nonce) {
        return envelope(crypto.sealReply(toXml().getBytes(StandardCharsets.UTF_8), timestamp, nonce));
    }

    /** {@link #seal} with a given random prefix, for fixtures and tests. */
    public String seal(WecomCrypto crypto, String timestamp, String nonce, byte[] random16) {
        return envelope(crypto.sealReply(toXml().getBytes(StandardCharsets.UTF_8), timestamp, nonce, random16));
    }

    static String envelope(ReplyEnvelope sealed) {
        return "<xml><Encrypt>" + Cdata.of(sealed.encrypt()) + "</Encrypt><MsgSignature>" + Cdata.of(sealed.msgSignature())
                + "</MsgSignature><TimeStamp>" + sealed.timestamp() + "</TimeStamp><Nonce>" + Cdata.of(sealed.nonce())
                + "</Nonce></xml>";
    }

    // the content is a text for the user
    @Override
    public String toString() {
        return "AppTextReply[toUser=" + toUser + ", corpId=" + corpId + ", createTime=" + createTime + ", content=<"
                + content.length() + " chars>]";
    }
}
