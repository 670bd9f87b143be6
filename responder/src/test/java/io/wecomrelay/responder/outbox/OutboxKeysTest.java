package io.wecomrelay.responder.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OutboxKeysTest {

    @Test
    void theAnnouncementsOfEveryOutboxAreOnePatternAndEachNamesItsBot() {
        var keys = new OutboxKeys("responder:", "responder");

        assertThat(keys.outboxChannels()).isEqualTo("responder:outbox:*");
        assertThat(keys.botOfOutbox(keys.outbox("bot-a"))).contains("bot-a");
        assertThat(keys.botOfOutbox("responder:outbox:")).isEmpty();
        assertThat(keys.botOfOutbox("other:outbox:bot-a")).isEmpty();
    }

    @Test
    void globCharactersOfThePrefixMatchOnlyThemselves() {
        var keys = new OutboxKeys("tenant[1]*?\\:", "responder");

        assertThat(keys.outboxChannels()).isEqualTo("tenant\\[1\\]\\*\\?\\\\:outbox:*");
        assertThat(keys.botOfOutbox(keys.outbox("bot-a"))).contains("bot-a");
    }
}
