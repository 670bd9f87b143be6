package io.wecomrelay.schemas.ids;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConversationKeysTest {

    @Test
    void singleChatsAreKeyedByUser() {
        assertThat(ConversationKeys.of("bot", null, "u1", true)).isEqualTo("bot:u:u1");
    }

    @Test
    void groupMembersShareOneConversationWhenTheBotSaysSo() {
        assertThat(ConversationKeys.of("bot", "g1", "u1", true)).isEqualTo(ConversationKeys.of("bot", "g1", "u2", true));
        assertThat(ConversationKeys.of("bot", "g1", "u1", false)).isNotEqualTo(ConversationKeys.of("bot", "g1", "u2", false));
    }

    @Test
    void difyUserIsStablePerUserAndBot() {
        assertThat(ConversationKeys.difyUser("bot", "u1")).isEqualTo("wecom:bot:u1");
        assertThat(ConversationKeys.difyUser("bot2", "u1")).isNotEqualTo(ConversationKeys.difyUser("bot", "u1"));
    }
}
