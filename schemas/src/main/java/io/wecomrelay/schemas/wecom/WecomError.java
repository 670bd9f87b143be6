package io.wecomrelay.schemas.wecom;

/**
 * The error codes of Tencent's {@code WXBizJsonMsgCrypt} reference libraries (JSON flavour). They are
 * local to the libraries and never sent on the wire; we keep them so that logs, metrics and 4xx
 * answers use the names every WeCom developer recognises.
 */
public enum WecomError {
    /** The SHA-1 signature over token, timestamp, nonce and ciphertext does not match. */
    VALIDATE_SIGNATURE_ERROR(-40001, "ValidateSignatureError"),
    /** The body or the decrypted plaintext is not the JSON we expect. */
    PARSE_JSON_ERROR(-40002, "ParseJsonError"),
    /** SHA-1 could not be computed. */
    COMPUTE_SIGNATURE_ERROR(-40003, "ComputeSignatureError"),
    /** The EncodingAESKey is not 43 base64 characters decoding to 32 bytes. */
    ILLEGAL_AES_KEY(-40004, "IllegalAesKey"),
    /** The receive id at the end of the plaintext is not ours ({@code ""} for AI bots, a corp id for apps). */
    VALIDATE_CORPID_ERROR(-40005, "ValidateCorpidError"),
    /** AES encryption failed. */
    ENCRYPT_AES_ERROR(-40006, "EncryptAESError"),
    /** AES decryption failed: ciphertext length or padding is wrong, usually a wrong key. */
    DECRYPT_AES_ERROR(-40007, "DecryptAESError"),
    /** The decrypted buffer is malformed: too short or its length field points past the end. */
    ILLEGAL_BUFFER(-40008, "IllegalBuffer"),
    /** Base64 encoding failed. */
    ENCODE_BASE64_ERROR(-40009, "EncodeBase64Error"),
    /** The ciphertext is not valid base64. */
    DECODE_BASE64_ERROR(-40010, "DecodeBase64Error"),
    /** The reply JSON could not be built. */
    GEN_RETURN_JSON_ERROR(-40011, "GenReturnJsonError");

    private final int code;
    private final String officialName;

    WecomError(int code, String officialName) {
        this.code = code;
        this.officialName = officialName;
    }

    /** The negative code of the reference libraries, e.g. {@code -40001}. */
    public int code() {
        return code;
    }

    /** The name the reference libraries use, e.g. {@code ValidateSignatureError}. */
    public String officialName() {
        return officialName;
    }

    /**
     * Looks a code up.
     *
     * @throws IllegalArgumentException for codes outside the table (0 means success and has no entry)
     */
    public static WecomError fromCode(int code) {
        for (var error : values()) {
            if (error.code == code) {
                return error;
            }
        }
        throw new IllegalArgumentException("not a WeCom crypto error code: " + code);
    }
}
