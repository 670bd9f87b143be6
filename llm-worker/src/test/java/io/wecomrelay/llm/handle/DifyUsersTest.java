package io.wecomrelay.llm.handle;

import static org.assertj.core.api.Assertions.assertThat;

import io.wecomrelay.schemas.event.ChatType;
import io.wecomrelay.schemas.event.InboundMessage;
import io.wecomrelay.schemas.event.MessageAccepted;
import io.wecomrelay.schemas.ids.ConversationKeys;
import io.wecomrelay.schemas.testing.Events;
import org.junit.jupiter.api.Test;

class DifyUsersTest {

    @Test
    void aSharedGroupConversationTalksToDifyAsTheGroupEveryoneElseAsThemselves() {
        assertThat(DifyUsers.of(accepted(null, true))).isEqualTo(ConversationKeys.difyUser("bot-1", "zhangsan"));
        assertThat(DifyUsers.of(accepted("chat-9", true))).isEqualTo("wecom:bot-1:g:chat-9");
        assertThat(DifyUsers.of(accepted("chat-9", false))).isEqualTo(ConversationKeys.difyUser("bot-1", "zhangsan"));
    }

    private static MessageAccepted accepted(String chatId, boolean shared) {
        var base = Events.accepted("bot-1", "m-1", Events.T0);
        var text = base.message();
        var message = new InboundMessage(text.msgId(), text.msgType(), null, chatId == null ? ChatType.SINGLE : ChatType.GROUP,
                chatId, text.userId(), null, text.body());
        return new MessageAccepted(base.meta(), "bot-1", base.streamId(),
                ConversationKeys.of("bot-1", chatId, text.userId(), shared), message, Events.T0, base.decision());
    }
}
