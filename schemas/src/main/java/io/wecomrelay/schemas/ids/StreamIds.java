package io.wecomrelay.schemas.ids;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;

/**
 * Stream ids are derived, not stored: a WeCom retry of the same msgid must get the same stream id
 * from any ingress instance, so that it is answered from the same reply.
 * <p>
 * {@code streamId = base64url(sha256(botId + '\n' + msgId)[0..16))}: 22 URL-safe characters, 128 bits.
 */
public final class StreamIds {

    /** Length of every stream id. */
    public static final int LENGTH = 22;
    /** One SHA-256 per thread (a provider look-up per stream id costs more than the hash); reset by each digest. */
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(StreamIds::newSha256);

    private StreamIds() {
    }

    public static String of(String botId, String msgId) {
        if (botId.isEmpty() || msgId.isEmpty()) {
            throw new IllegalArgumentException("botId and msgId must not be empty");
        }
        byte[] digest = sha256((botId + '\n' + msgId).getBytes(StandardCharsets.UTF_8));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 16));
    }

    /** True when {@code candidate} has the shape of a stream id; says nothing about whether it exists. */
    public static boolean isWellFormed(String candidate) {
        if (candidate.length() != LENGTH) {
            return false;
        }
        for (int i = 0; i < candidate.length(); i++) {
            char c = candidate.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static byte[] sha256(byte[] input) {
        return SHA256.get().digest(input);
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
