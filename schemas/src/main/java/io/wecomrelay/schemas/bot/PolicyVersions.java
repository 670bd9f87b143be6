package io.wecomrelay.schemas.bot;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@link BotConfig#policyVersion()}: a SHA-256 over a canonical text of the policy, computed once per loaded bot (the
 * bots file's loader builds each {@link BotConfig} once per load). The text is the one versions have always been
 * computed from: versions on the topics keep comparing across releases.
 */
final class PolicyVersions {

    private PolicyVersions() {
    }

    /** What the version covers: who is served, how often, and how answers reach WeCom. */
    static String of(AuthPolicy auth, int rateLimitPerMinute, ReplyMode replyMode, boolean groupSharedConversation) {
        Objects.requireNonNull(auth, "auth");
        var canonical = new TreeMap<String, Object>();
        canonical.put("enabled", auth.enabled());
        canonical.put("chatTypes", new TreeSet<>(auth.chatTypes()));
        canonical.put("allow", auth.allowUsers());
        canonical.put("deny", auth.denyUsers());
        canonical.put("rate", rateLimitPerMinute);
        canonical.put("mode", replyMode);
        canonical.put("groupShared", groupSharedConversation);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
