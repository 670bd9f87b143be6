package io.wecomrelay.schemas.bot;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * What a self-built app (自建应用) needs besides the callback Token and EncodingAESKey every bot has: its corp and
 * agent, the app Secret for access tokens, and how replies are shown.
 *
 * @param corpId         the CorpID: the receive id inside every callback ciphertext and {@code gettoken}'s corpid
 * @param agentId        the app's AgentId: named in every callback and in every {@code message/send}
 * @param secret         the app Secret ({@code gettoken}'s corpsecret)
 * @param format         text (shown everywhere, also in the WeChat plugin) or markdown (WeCom's client only)
 * @param thinkingNotice a short message sent when the answer starts forming, or null for none
 */
public record AppSettings(String corpId, int agentId, Secret secret, AppMessageFormat format,
                          @Nullable String thinkingNotice) {

    public AppSettings {
        Objects.requireNonNull(corpId, "corpId");
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(format, "format");
        if (agentId < 1) {
            throw new IllegalArgumentException("agentId must be positive: " + agentId);
        }
    }
}
