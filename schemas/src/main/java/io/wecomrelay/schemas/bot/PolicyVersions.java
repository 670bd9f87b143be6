package io.wecomrelay.schemas.bot;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link BotConfig#policyVersion()}, computed once per policy. Every service asks for it on every message (ingress,
 * the processor, the worker and the responder record it), and computing it is a SHA-256 over a canonical text of the
 * policy: tens of microseconds per message for a value that changes only when the bots file does.
 */
final class PolicyVersions {

    /** Bots files hold hundreds of bots, not thousands; a reload that changes many policies starts the cache anew. */
    static final int MAX_CACHED = 4096;

    private static final Map<Policy, String> VERSIONS = new ConcurrentHashMap<>();

    private PolicyVersions() {
    }

    /** What the version covers: who is served, how often, and how answers reach WeCom. */
    record Policy(AuthPolicy auth, int rateLimitPerMinute, ReplyMode replyMode, boolean groupSharedConversation) {
    }

    static String of(Policy policy) {
        String version = VERSIONS.get(policy);
        if (version != null) {
            return version;
        }
        if (VERSIONS.size() >= MAX_CACHED) {
            VERSIONS.clear();
        }
        return VERSIONS.computeIfAbsent(policy, PolicyVersions::compute);
    }

    static String compute(Policy policy) {
        var canonical = new TreeMap<String, Object>();
        canonical.put("enabled", policy.auth().enabled());
        canonical.put("chatTypes", new TreeSet<>(policy.auth().chatTypes()));
        canonical.put("allow", policy.auth().allowUsers());
        canonical.put("deny", policy.auth().denyUsers());
        canonical.put("rate", policy.rateLimitPerMinute());
        canonical.put("mode", policy.replyMode());
        canonical.put("groupShared", policy.groupSharedConversation());
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
