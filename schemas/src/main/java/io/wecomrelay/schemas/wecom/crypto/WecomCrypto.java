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
        return PlaintextFrame.unpack(decryptFrame(utf8(encrypt)), receiveId);
    }

    /**
     * {@link #decrypt} returning the message as UTF-8 bytes: for callers that parse JSON from bytes,
     * which skips decoding the text into a {@code String} first.
     */
    public byte[] decryptUtf8(String encrypt) {
        return PlaintextFrame.unpackUtf8(decryptFrame(utf8(encrypt)), receiveId);
    }

    /** Encrypts {@code plaintext} with a fresh random prefix; returns standard base64. */
    public String encrypt(String plaintext) {
        return encrypt(plaintext, randomPrefix());
    }

    /**
     * Encrypts with the given 16-byte random prefix. Deterministic, for fixtures and tests; production
     * code calls {@link #encrypt(String)}.
     *
     * @throws IllegalArgumentException if {@code random16} is not 16 bytes
     */
    public String encrypt(String plaintext, byte[] random16) {
        return ascii(encryptToBase64(plaintext.getBytes(StandardCharsets.UTF_8), random16));
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
        return PlaintextFrame.unpack(openFrame(msgSignature, timestamp, nonce, encrypt), receiveId);
    }

    /**
     * {@link #openCallback} returning the message as UTF-8 bytes, e.g. for
     * {@code WecomCallback.parse(byte[])}: the callback JSON is then never decoded into a {@code String}.
     */
    public byte[] openCallbackUtf8(@Nullable String msgSignature, @Nullable String timestamp, @Nullable String nonce,
                                   @Nullable String encrypt) {
        return PlaintextFrame.unpackUtf8(openFrame(msgSignature, timestamp, nonce, encrypt), receiveId);
    }

    /**
     * Encrypts and signs a passive reply.
     *
     * @param plaintextJson the reply JSON, e.g. {@code StreamReply.toJson()}
     * @param timestamp     seconds since the epoch, as decimal digits
     * @param nonce         the nonce of the callback being answered
     */
    public ReplyEnvelope sealReply(String plaintextJson, String timestamp, String nonce) {
        return sealReply(plaintextJson, timestamp, nonce, randomPrefix());
    }

    /** {@link #sealReply(String, String, String)} with a given random prefix, for fixtures and tests. */
    public ReplyEnvelope sealReply(String plaintextJson, String timestamp, String nonce, byte[] random16) {
        return sealReply(plaintextJson.getBytes(StandardCharsets.UTF_8), timestamp, nonce, random16);
    }

    /**
     * {@link #sealReply(String, String, String)} for reply JSON already encoded as UTF-8, e.g.
     * {@code PassiveReply.toJsonBytes()}; the same envelope for the same bytes.
     */
    public ReplyEnvelope sealReply(byte[] plaintextUtf8Json, String timestamp, String nonce) {
        return sealReply(plaintextUtf8Json, timestamp, nonce, randomPrefix());
    }

    /** {@link #sealReply(byte[], String, String)} with a given random prefix, for fixtures and tests. */
    public ReplyEnvelope sealReply(byte[] plaintextUtf8Json, String timestamp, String nonce, byte[] random16) {
        byte[] base64 = encryptToBase64(plaintextUtf8Json, random16);
        String encrypt = ascii(base64);
        String signature = WecomSignature.compute(token, timestamp, nonce, encrypt, base64);
        return new ReplyEnvelope(encrypt, signature, timestamp, nonce);
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

    private byte[] randomPrefix() {
        byte[] random16 = new byte[PlaintextFrame.RANDOM_BYTES];
        random.nextBytes(random16);
        return random16;
    }

    // The signature covers encrypt's UTF-8 bytes and base64 decodes them: encode once for both.
    private byte[] openFrame(@Nullable String msgSignature, @Nullable String timestamp, @Nullable String nonce,
                             @Nullable String encrypt) {
        if (encrypt == null) {
            throw signatureError(msgSignature);
        }
        byte[] encryptUtf8 = utf8(encrypt);
        if (!WecomSignature.matches(msgSignature, token, timestamp, nonce, encrypt, encryptUtf8)) {
            throw signatureError(msgSignature);
        }
        return decryptFrame(encryptUtf8);
    }

    private byte[] decryptFrame(byte[] encryptUtf8) {
        byte[] ciphertext = decodeBase64(encryptUtf8);
        if (ciphertext.length == 0 || ciphertext.length % 16 != 0) {
            throw new WecomCryptoException(WecomError.DECRYPT_AES_ERROR,
                    "ciphertext length must be a positive multiple of 16, got " + ciphertext.length);
        }
        try {
            return engine.decrypt(key.key(), key.iv(), ciphertext);
        } catch (RuntimeException e) {
            throw new WecomCryptoException(WecomError.DECRYPT_AES_ERROR, "AES decryption failed", e);
        }
    }

    private byte[] encryptToBase64(byte[] plaintextUtf8, byte[] random16) {
        byte[] frame = PlaintextFrame.pack(random16, plaintextUtf8, receiveId);
        byte[] ciphertext;
        try {
            ciphertext = engine.encrypt(key.key(), key.iv(), frame);
        } catch (RuntimeException e) {
            throw new WecomCryptoException(WecomError.ENCRYPT_AES_ERROR, "AES encryption failed", e);
        }
        return Base64.getEncoder().encode(ciphertext);
    }

    private static WecomCryptoException signatureError(@Nullable String msgSignature) {
        return new WecomCryptoException(WecomError.VALIDATE_SIGNATURE_ERROR,
                msgSignature == null ? "missing msg_signature" : "signature mismatch");
    }

    private static byte[] utf8(String text) {
        return Objects.requireNonNull(text, "encrypt").getBytes(StandardCharsets.UTF_8);
    }

    // Base64 output is ASCII, so ISO-8859-1 decoding is a plain copy into a compact string.
    private static String ascii(byte[] base64) {
        return new String(base64, StandardCharsets.ISO_8859_1);
    }

    // Non-ASCII characters become bytes outside the alphabet, so they fail here exactly as before.
    private static byte[] decodeBase64(byte[] encryptUtf8) {
        try {
            return Base64.getDecoder().decode(encryptUtf8);
        } catch (IllegalArgumentException e) {
            // The decoder's message quotes the offending character: keep ciphertext out of the error.
            throw new WecomCryptoException(WecomError.DECODE_BASE64_ERROR,
                    "ciphertext is not valid base64 (" + encryptUtf8.length + " bytes)");
        }
    }
}
