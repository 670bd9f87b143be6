package io.wecomrelay.responder.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OutboxKeysTest {

    @Test
    void theAnnouncementsOfAnOutboxGoOutOnTheChannelNamedLikeItAndNameItsBot() {
        var keys = new OutboxKeys("responder:", "responder");

        assertThat(keys.outboxChannels()).isEqualTo("responder:outbox:*");
        assertThat(keys.botOfOutbox(keys.outbox("bot-a"))).isEqualTo("bot-a");
        assertThat(keys.botOfOutbox(keys.outbox("bot:with:colons"))).isEqualTo("bot:with:colons");
    }

    @Test
    void channelsOfOtherKeysOrPrefixesNameNoBot() {
        var keys = new OutboxKeys("responder:", "responder");

        assertThat(keys.botOfOutbox("responder:outbox:")).isNull();
        assertThat(keys.botOfOutbox(keys.lease("bot-a"))).isNull();
        assertThat(keys.botOfOutbox(new OutboxKeys("other:", "responder").outbox("bot-a"))).isNull();
    }

    @Test
    void aPrefixWithGlobCharactersMatchesOnlyItself() {
        var keys = new OutboxKeys("tenant[1]*?\\:", "responder");

        assertThat(keys.outboxChannels()).isEqualTo("tenant\\[1\\]\\*\\?\\\\:outbox:*");
        assertThat(keys.botOfOutbox(keys.outbox("bot-a"))).isEqualTo("bot-a");
    }
}
