package io.wecomrelay.llm.handle;

import io.wecomrelay.schemas.event.ChatType;
import io.wecomrelay.schemas.event.MessageAccepted;
import io.wecomrelay.schemas.ids.ConversationKeys;

/**
 * The Dify {@code user} of a message. Dify shows a conversation only to the user that created it,
 * so a group whose members share one conversation (conversation key {@code <bot>:g:<chat>}) talks to
 * Dify as one user, {@code wecom:<bot>:g:<chat>}; everyone else is
 * {@link ConversationKeys#difyUser(String, String)}. Both are stable, so stop calls and feedback
 * use the same user as the message.
 */
final class DifyUsers {

    private DifyUsers() {
    }

    static String of(MessageAccepted accepted) {
        var message = accepted.message();
        String chatId = message.chatId();
        if (message.chatType() == ChatType.GROUP && chatId != null && !chatId.isEmpty()
                && accepted.conversationKey().equals(ConversationKeys.of(accepted.botId(), chatId, message.userId(), true))) {
            return ConversationKeys.difyUser(accepted.botId(), "g:" + chatId);
        }
        return ConversationKeys.difyUser(accepted.botId(), message.userId());
    }
}
