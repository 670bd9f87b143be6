package io.wecomrelay.schemas.wecom.crypto;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;
import java.util.random.RandomGenerator;

import io.wecomrelay.schemas.wecom.ReplyEnvelope;
import io.wecomrelay.schemas.wecom.WecomCryptoException;
import io.wecomrelay.schemas.wecom.WecomError;
import org.jspecify.annotations.Nullable;

/**
 * One bot's callback crypto, byte-compatible with Tencent's {@code WXBizJsonMsgCrypt} and
 * {@code @wecom/crypto}. Thread-safe if the engine and the random generator are (both defaults are;
 * {@link java.security.SecureRandom} is).
 *
 * <p>Typical use: {@link #openCallback} on the query parameters and the {@code encrypt} field of a
 * POST (or the {@code echostr} of the URL-verification GET), then {@link #sealReply} for the answer.
 * Every failure is a {@link WecomCryptoException} with the official error code.
 */
public final class WecomCrypto {

    private final String token;
    private final WecomAesKey key;
    private final byte[] receiveId;
    private final AesCbcEngine engine;
    private final RandomGenerator random;
    private final MediaCipher media;

    /**
     * @param token          the callback Token from the admin console
     * @param encodingAesKey the 43-character EncodingAESKey
     * @param receiveId      {@code ""} for AI bots; the corp id for self-built apps
     * @param engine         the AES implementation, usually {@link AesCbcEngines#defaultEngine()}
     * @param random         source of the 16-byte random prefix; use a {@link java.security.SecureRandom}
     * @throws WecomCryptoException {@link WecomError#ILLEGAL_AES_KEY} if the key is malformed
     */
    public WecomCrypto(String token, String encodingAesKey, String receiveId, AesCbcEngine engine,
                       RandomGenerator random) {
        this.token = Objects.requireNonNull(token, "token");
        this.key = WecomAesKey.fromEncodingAesKey(encodingAesKey);
        this.receiveId = Objects.requireNonNull(receiveId, "receiveId").getBytes(StandardCharsets.UTF_8);
        this.engine = Objects.requireNonNull(engine, "engine");
        this.random = Objects.requireNonNull(random, "random");
        this.media = new MediaCipher(engine);
    }

    /** The signature of {@code encrypt} under this bot's token, see {@link WecomSignature}. */
    public String signature(String timestamp, String nonce, String encrypt) {
        return WecomSignature.compute(token, timestamp, nonce, encrypt);
    }

    /** True if {@code msgSignature} signs the other three values; null or missing values never verify. */
    public boolean verify(@Nullable String msgSignature, @Nullable String timestamp, @Nullable String nonce,
                          @Nullable String encrypt) {
        return WecomSignature.matches(msgSignature, token, timestamp, nonce, encrypt);
    }

    /**
     * Decrypts a ciphertext and returns the message. Does not check the signature: use
     * {@link #openCallback} for anything that arrived over the network.
     *
     * @throws WecomCryptoException {@link WecomError#DECODE_BASE64_ERROR} for bad base64,
     *                              {@link WecomError#DECRYPT_AES_ERROR} for a length that is not a positive
     *                              multiple of 16 or bad padding, {@link WecomError#ILLEGAL_BUFFER} for a
     *                              malformed frame, {@link WecomError#VALIDATE_CORPID_ERROR} for a foreign
     *                              receive id
     */
    public String decrypt(String encrypt) {
        byte[] ciphertext = decodeBase64(Objects.requireNonNull(encrypt, "encrypt"));
        if (ciphertext.length == 0 || ciphertext.length % 16 != 0) {
            throw new WecomCryptoException(WecomError.DECRYPT_AES_ERROR,
                    "ciphertext length must be a positive multiple of 16, got " + ciphertext.length);
        }
        byte[] frame;
        try {
            frame = engine.decrypt(key.key(), key.iv(), ciphertext);
        } catch (RuntimeException e) {
            throw new WecomCryptoException(WecomError.DECRYPT_AES_ERROR, "AES decryption failed", e);
        }
        return PlaintextFrame.unpack(frame, receiveId);
    }

    /** Encrypts {@code plaintext} with a fresh random prefix; returns standard base64. */
    public String encrypt(String plaintext) {
        byte[] random16 = new byte[PlaintextFrame.RANDOM_BYTES];
        random.nextBytes(random16);
        return encrypt(plaintext, random16);
    }

    /**
     * Encrypts with the given 16-byte random prefix. Deterministic, for fixtures and tests; production
     * code calls {@link #encrypt(String)}.
     *
     * @throws IllegalArgumentException if {@code random16} is not 16 bytes
     */
    public String encrypt(String plaintext, byte[] random16) {
        byte[] frame = PlaintextFrame.pack(random16, plaintext.getBytes(StandardCharsets.UTF_8), receiveId);
        byte[] ciphertext;
        try {
            ciphertext = engine.encrypt(key.key(), key.iv(), frame);
        } catch (RuntimeException e) {
            throw new WecomCryptoException(WecomError.ENCRYPT_AES_ERROR, "AES encryption failed", e);
        }
        return Base64.getEncoder().encodeToString(ciphertext);
    }

    /**
     * Verifies and decrypts a callback: the POST's {@code encrypt} field, or the {@code echostr} of the
     * URL-verification GET (answer that GET with exactly the returned string).
     *
     * @throws WecomCryptoException {@link WecomError#VALIDATE_SIGNATURE_ERROR} if the signature does not
     *                              match or a parameter is missing, else as {@link #decrypt}
     */
    public String openCallback(@Nullable String msgSignature, @Nullable String timestamp, @Nullable String nonce,
                               @Nullable String encrypt) {
        if (encrypt == null || !verify(msgSignature, timestamp, nonce, encrypt)) {
            throw new WecomCryptoException(WecomError.VALIDATE_SIGNATURE_ERROR,
                    msgSignature == null ? "missing msg_signature" : "signature mismatch");
        }
        return decrypt(encrypt);
    }

    /**
     * Encrypts and signs a passive reply.
     *
     * @param plaintextJson the reply JSON, e.g. {@code StreamReply.toJson()}
     * @param timestamp     seconds since the epoch, as decimal digits
     * @param nonce         the nonce of the callback being answered
     */
    public ReplyEnvelope sealReply(String plaintextJson, String timestamp, String nonce) {
        return envelope(encrypt(plaintextJson), timestamp, nonce);
    }

    /** {@link #sealReply(String, String, String)} with a given random prefix, for fixtures and tests. */
    public ReplyEnvelope sealReply(String plaintextJson, String timestamp, String nonce, byte[] random16) {
        return envelope(encrypt(plaintextJson, random16), timestamp, nonce);
    }

    /** Decrypts a downloaded image, file or video, see {@link MediaCipher}. */
    public byte[] decryptMedia(byte[] encrypted) {
        return media.decrypt(key, encrypted);
    }

    @Override
    public String toString() {
        return "WecomCrypto[engine=" + engine.name() + ", receiveId="
                + new String(receiveId, StandardCharsets.UTF_8) + ", token=<redacted>, key=<redacted>]";
    }

    private ReplyEnvelope envelope(String encrypt, String timestamp, String nonce) {
        return new ReplyEnvelope(encrypt, signature(timestamp, nonce, encrypt), timestamp, nonce);
    }

    private static byte[] decodeBase64(String encrypt) {
        try {
            return Base64.getDecoder().decode(encrypt);
        } catch (IllegalArgumentException e) {
            // The decoder's message quotes the offending character: keep ciphertext out of the error.
            throw new WecomCryptoException(WecomError.DECODE_BASE64_ERROR,
                    "ciphertext is not valid base64 (" + encrypt.length() + " chars)");
        }
    }
}
