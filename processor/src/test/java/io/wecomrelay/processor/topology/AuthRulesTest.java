package io.wecomrelay.processor.topology;

import static io.wecomrelay.processor.topology.Inbound.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.wecomrelay.processor.decision.Case;
import io.wecomrelay.schemas.event.MessageAccepted;
import io.wecomrelay.schemas.event.MessageRejected;
import io.wecomrelay.schemas.event.RejectReason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AuthRulesTest {

    private final TopologyHarness harness = TopologyHarness.start();

    @AfterEach
    void stop() {
        harness.close();
    }

    @Test
    void unknownBotIsRejectedWithoutPolicyVersion() {
        harness.send(Inbound.text("bot-nobody", "msg-1", "zhangsan", T0));

        MessageRejected rejected = single();
        assertThat(rejected.reason()).isEqualTo(RejectReason.BOT_UNKNOWN);
        assertThat(rejected.decision().rule()).isEqualTo("bot.unknown");
        assertThat(rejected.decision().policyVersion()).isEqualTo(Case.NO_POLICY);
    }

    @Test
    void disabledBotIsRejectedWithItsPolicyVersion() {
        harness.send(Inbound.text("bot-off", "msg-1", "zhangsan", T0));

        MessageRejected rejected = single();
        assertThat(rejected.reason()).isEqualTo(RejectReason.BOT_DISABLED);
        assertThat(rejected.decision().rule()).isEqualTo("bot.disabled");
        assertThat(rejected.decision().policyVersion()).isEqualTo(Inbound.bots().find("bot-off").orElseThrow().policyVersion());
    }

    @Test
    void chatTypeTheBotDoesNotAllowIsUnauthorized() {
        harness.send(Inbound.inGroup("bot-strict", "msg-1", "chat-1", "zhang.san", T0));

        MessageRejected rejected = single();
        assertThat(rejected.reason()).isEqualTo(RejectReason.UNAUTHORIZED);
        assertThat(rejected.decision().rule()).isEqualTo("auth.chat-type");
        assertThat(rejected.detail()).isEqualTo("chat type group is not allowed");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "zhang.san,      accept",            // allowed by the wildcard zhang*
            "li.si,          accept",            // allowed exactly
            "zhang.banned,   auth.deny-list",    // allowed by zhang*, denied by zhang.banned*
            "zhang.banned2,  auth.deny-list",    // the deny wildcard
            "li.si2,         auth.allow-list",   // exact allow entries do not match prefixes
            "wang.wu,        auth.allow-list"})
    void allowAndDenyListsWithWildcards(String userId, String rule) {
        harness.send(Inbound.text("bot-strict", "msg-" + userId, userId, T0));

        if (rule.equals("accept")) {
            assertThat(harness.accepted()).extracting(MessageAccepted::decision).extracting(d -> d.rule()).containsExactly("accept");
        } else {
            MessageRejected rejected = single();
            assertThat(rejected.reason()).isEqualTo(RejectReason.UNAUTHORIZED);
            assertThat(rejected.decision().rule()).isEqualTo(rule);
        }
    }

    private MessageRejected single() {
        var rejected = harness.rejected();
        assertThat(rejected).hasSize(1);
        assertThat(harness.accepted()).isEmpty();
        return rejected.get(0);
    }
}
