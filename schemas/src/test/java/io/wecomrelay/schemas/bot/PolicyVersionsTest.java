package io.wecomrelay.schemas.bot;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.wecomrelay.schemas.event.Channel;
import io.wecomrelay.schemas.event.ChatType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PolicyVersionsTest {

    private static final AuthPolicy CUSTOM = new AuthPolicy(false, Set.of(ChatType.SINGLE), List.of("alice", "bob"), List.of("eve"));

    @Test
    void versionsAreTheOnesRecordedBeforeTheyWereDerivedOncePerBot() {
        // computed by the uncached BotConfig.policyVersion() of 2026-12-05: versions on the topics must keep comparing
        assertThat(bot(ReplyMode.PASSIVE_STREAM, 20, AuthPolicy.OPEN, false).policyVersion()).isEqualTo("18902e4387d9");
        assertThat(bot(ReplyMode.PASSIVE_STREAM, 20, AuthPolicy.OPEN, true).policyVersion()).isEqualTo("f38c495ed664");
        assertThat(bot(ReplyMode.PASSIVE_STREAM, 20, CUSTOM, false).policyVersion()).isEqualTo("007abdc3181b");
    }

    @Test
    void everyCoveredSettingChangesTheVersionAndSecretsDoNot() {
        String base = bot(ReplyMode.PASSIVE_STREAM, 20, AuthPolicy.OPEN, false).policyVersion();

        assertThat(List.of(bot(ReplyMode.RESPONSE_URL, 20, AuthPolicy.OPEN, false).policyVersion(),
                bot(ReplyMode.PASSIVE_STREAM, 3, AuthPolicy.OPEN, false).policyVersion(),
                bot(ReplyMode.PASSIVE_STREAM, 20, CUSTOM, false).policyVersion(),
                bot(ReplyMode.PASSIVE_STREAM, 20, AuthPolicy.OPEN, true).policyVersion())).doesNotContain(base).doesNotHaveDuplicates();
        var otherSecrets = new BotConfig("b", new Secret("other"), new Secret("other-key"), ReplyMode.PASSIVE_STREAM,
                new DifyApp(URI.create("http://127.0.0.1:5001/v1"), new Secret("app-other")), null, null, null, null, "p",
                null, 20, AuthPolicy.OPEN, false, Map.of(), Channel.CALLBACK, null, null, null);
        assertThat(otherSecrets.policyVersion()).isEqualTo(base);
    }

    @Test
    void theVersionIsDerivedOnceWhenTheBotIsMadeAndReadAfterwards() {
        BotConfig bot = bot(ReplyMode.WEBHOOK, 7, CUSTOM, true);

        assertThat(bot.policyVersion()).isEqualTo(PolicyVersions.of(CUSTOM, 7, ReplyMode.WEBHOOK, true))
                .isSameAs(bot.policyVersion());
    }

    private static BotConfig bot(ReplyMode mode, int rate, AuthPolicy auth, boolean groupShared) {
        return new BotConfig("b", new Secret("t"), new Secret("k"), mode,
                new DifyApp(URI.create("http://127.0.0.1:5001/v1"), new Secret("app-k")), null, null, null, null, "p", null,
                rate, auth, groupShared, Map.of(), Channel.CALLBACK, null, null, null);
    }
}
