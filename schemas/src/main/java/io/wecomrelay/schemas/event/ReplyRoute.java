package io.wecomrelay.schemas.event;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * Where a finished reply goes besides the refresh-polled stream: the data the responder needs for
 * {@code response_url} and group-webhook delivery.
 */
public record ReplyRoute(ChatType chatType, @Nullable String chatId, String userId, @Nullable String responseUrl) {

    public ReplyRoute {
        Objects.requireNonNull(chatType, "chatType");
        Objects.requireNonNull(userId, "userId");
    }

    // The one-shot response_url stays out of logs that print the record.
    @Override
    public String toString() {
        return "ReplyRoute[chatType=" + chatType + ", chatId=" + chatId + ", userId=" + userId + ", responseUrl="
                + (responseUrl == null ? "none" : "<" + responseUrl.length() + " chars>") + "]";
    }

    public static ReplyRoute of(InboundMessage message) {
        return new ReplyRoute(message.chatType(), message.chatId(), message.userId(), message.responseUrl());
    }
}
