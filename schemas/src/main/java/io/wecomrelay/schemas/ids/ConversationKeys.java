package io.wecomrelay.schemas.ids;

import org.jspecify.annotations.Nullable;

/**
 * The conversation key names one Dify conversation and is the Kafka key of {@code wecom.accepted}:
 * {@code <botId>:g:<chatId>} for a group whose members share one conversation,
 * {@code <botId>:g:<chatId>:u:<userId>} for a group where each member has their own, and
 * {@code <botId>:u:<userId>} for a single chat.
 */
public final class ConversationKeys {

    private ConversationKeys() {
    }

    public static String of(String botId, @Nullable String chatId, String userId, boolean groupShared) {
        if (chatId == null || chatId.isEmpty()) {
            return botId + ":u:" + userId;
        }
        return groupShared ? botId + ":g:" + chatId : botId + ":g:" + chatId + ":u:" + userId;
    }

    /**
     * The Dify {@code user}: stable per WeCom user and bot, so conversations, stop calls and
     * feedback stay scoped to the person who asked.
     */
    public static String difyUser(String botId, String userId) {
        return "wecom:" + botId + ":" + userId;
    }
}
