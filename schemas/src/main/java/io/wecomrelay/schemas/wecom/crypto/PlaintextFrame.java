package io.wecomrelay.schemas.wecom.crypto;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import io.wecomrelay.schemas.wecom.WecomCryptoException;
import io.wecomrelay.schemas.wecom.WecomError;

/**
 * The plaintext inside a WeCom ciphertext:
 * {@code random(16) | length(4 bytes, big-endian, byte length of msg) | msg (UTF-8) | receiveId (UTF-8)},
 * then {@link Pkcs7} padding to 32 bytes.
 */
final class PlaintextFrame {

    static final int RANDOM_BYTES = 16;
    private static final int HEADER = RANDOM_BYTES + 4;

    private PlaintextFrame() {
    }

    /** Builds the padded frame, ready for AES. */
    static byte[] pack(byte[] random16, byte[] msg, byte[] receiveId) {
        if (random16.length != RANDOM_BYTES) {
            throw new IllegalArgumentException("random prefix must be 16 bytes, got " + random16.length);
        }
        int contentLength = HEADER + msg.length + receiveId.length;
        byte[] frame = new byte[Pkcs7.paddedLength(contentLength)];
        System.arraycopy(random16, 0, frame, 0, RANDOM_BYTES);
        frame[16] = (byte) (msg.length >>> 24);
        frame[17] = (byte) (msg.length >>> 16);
        frame[18] = (byte) (msg.length >>> 8);
        frame[19] = (byte) msg.length;
        System.arraycopy(msg, 0, frame, HEADER, msg.length);
        System.arraycopy(receiveId, 0, frame, HEADER + msg.length, receiveId.length);
        Pkcs7.pad(frame, contentLength);
        return frame;
    }

    /**
     * Checks padding, length field and receive id of a decrypted frame and returns the message.
     *
     * @throws WecomCryptoException {@link WecomError#DECRYPT_AES_ERROR} for bad padding,
     *                              {@link WecomError#ILLEGAL_BUFFER} for a short buffer or a length
     *                              field past its end, {@link WecomError#VALIDATE_CORPID_ERROR} for a
     *                              foreign receive id
     */
    static String unpack(byte[] frame, byte[] expectedReceiveId) {
        return new String(frame, HEADER, messageLength(frame, expectedReceiveId), StandardCharsets.UTF_8);
    }

    /** Same checks as {@link #unpack}; returns the message as its UTF-8 bytes, not decoded. */
    static byte[] unpackUtf8(byte[] frame, byte[] expectedReceiveId) {
        return Arrays.copyOfRange(frame, HEADER, HEADER + messageLength(frame, expectedReceiveId));
    }

    private static int messageLength(byte[] frame, byte[] expectedReceiveId) {
        int contentLength = Pkcs7.strictContentLength(frame);
        if (contentLength < HEADER) {
            throw new WecomCryptoException(WecomError.ILLEGAL_BUFFER,
                    "decrypted content is " + contentLength + " bytes, shorter than the 20-byte header");
        }
        // Read as unsigned: a length >= 2^31 must fail the bounds check, not wrap negative.
        long msgLength = ((frame[16] & 0xffL) << 24) | ((frame[17] & 0xff) << 16) | ((frame[18] & 0xff) << 8)
                | (frame[19] & 0xff);
        if (msgLength > contentLength - HEADER) {
            throw new WecomCryptoException(WecomError.ILLEGAL_BUFFER, "length field " + msgLength
                    + " exceeds the " + (contentLength - HEADER) + " bytes after the header");
        }
        int msgEnd = HEADER + (int) msgLength;
        // The receive id is a public corp id (or empty), so a plain comparison is fine.
        if (!Arrays.equals(frame, msgEnd, contentLength, expectedReceiveId, 0, expectedReceiveId.length)) {
            throw new WecomCryptoException(WecomError.VALIDATE_CORPID_ERROR,
                    "receive id does not match (" + (contentLength - msgEnd) + " bytes found, "
                            + expectedReceiveId.length + " expected)");
        }
        return (int) msgLength;
    }
}
