package io.wecomrelay.devstack.faults;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

import io.wecomrelay.schemas.bot.ReplyMode;
import org.jspecify.annotations.Nullable;

/** A bot of the fault suite: its id is unique per run, so nothing left in Redis by an earlier run is seen again. */
record FaultBot(String id, ReplyMode mode, String token, String aesKey, @Nullable String webhookKey) {

    private static final SecureRandom RANDOM = new SecureRandom();

    static FaultBot create(String id, ReplyMode mode) {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        byte[] token = new byte[12];
        RANDOM.nextBytes(token);
        return new FaultBot(id, mode, HexFormat.of().formatHex(token),
                Base64.getEncoder().withoutPadding().encodeToString(key).substring(0, 43),
                mode == ReplyMode.WEBHOOK ? "hook-" + id : null);
    }

    /** This bot's entry of the bots file: no rate limit in the way of the load (the processor's default is 20/min). */
    String yaml(String difyBaseUrl, String difyApiKey) {
        return """
                  - id: %s
                    token: %s
                    aes-key: %s
                    reply-mode: %s
                    rate-limit-per-minute: 100000
                %s    dify:
                      base-url: %s
                      api-key: "%s"
                      allow-insecure-http: true
                """.formatted(id, token, aesKey, mode.wireName(),
                webhookKey == null ? "" : "    webhook-key: " + webhookKey + "\n", difyBaseUrl, difyApiKey);
    }
}
