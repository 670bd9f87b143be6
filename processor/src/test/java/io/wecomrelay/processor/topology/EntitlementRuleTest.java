package io.wecomrelay.processor.topology;

import static io.wecomrelay.processor.topology.Inbound.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import io.wecomrelay.processor.auth.Entitlement;
import io.wecomrelay.processor.auth.EntitlementPolicy;
import io.wecomrelay.processor.auth.Grant;
import io.wecomrelay.schemas.event.MessageAccepted;
import io.wecomrelay.schemas.event.MessageRejected;
import io.wecomrelay.schemas.event.RejectReason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The entitlement table is on for bot-a only; bot-b relies on its bots-file policy alone. */
class EntitlementRuleTest {

    private final TopologyHarness harness = TopologyHarness.withEntitlements(new EntitlementPolicy(true, Set.of("bot-a")));

    @AfterEach
    void stop() {
        harness.close();
    }

    @Test
    void senderWithoutEntitlementIsUnauthorized() {
        harness.send(Inbound.text("bot-a", "msg-1", "zhangsan", T0));

        assertThat(harness.rejected()).singleElement().satisfies(rejected -> {
            assertThat(rejected.reason()).isEqualTo(RejectReason.UNAUTHORIZED);
            assertThat(rejected.decision().rule()).isEqualTo("auth.entitlement");
            assertThat(rejected.detail()).isEqualTo("sender has no entitlement");
        });
    }

    @Test
    void grantThenRevokeTakesEffectWithoutRestart() {
        harness.grant("zhangsan", new Entitlement(List.of(new Grant("bot-a", null))));
        harness.send(Inbound.text("bot-a", "msg-1", "zhangsan", T0));

        harness.revoke("zhangsan");
        harness.send(Inbound.text("bot-a", "msg-2", "zhangsan", T0.plusSeconds(10)));

        assertThat(harness.accepted()).extracting(MessageAccepted::streamId).hasSize(1);
        assertThat(harness.rejected()).extracting(r -> r.message().msgId() + ":" + r.decision().rule())
                .containsExactly("msg-2:auth.entitlement");
    }

    @Test
    void grantForAnotherBotDoesNotCount() {
        harness.grant("zhangsan", new Entitlement(List.of(new Grant("bot-x", null))));
        harness.send(Inbound.text("bot-a", "msg-1", "zhangsan", T0));

        assertThat(harness.rejected()).extracting(MessageRejected::detail).containsExactly("sender has no grant for this bot");
    }

    @Test
    void grantEndsAtItsUntilInRecordTime() {
        harness.grant("zhangsan", new Entitlement(List.of(new Grant("bot-a", T0.plus(Duration.ofHours(1))))));
        harness.send(Inbound.text("bot-a", "msg-1", "zhangsan", T0.plus(Duration.ofMinutes(59))));
        harness.send(Inbound.text("bot-a", "msg-2", "zhangsan", T0.plus(Duration.ofHours(1))));

        assertThat(harness.accepted()).extracting(a -> a.message().msgId()).containsExactly("msg-1");
        assertThat(harness.rejected()).extracting(MessageRejected::detail).containsExactly("sender's grant for this bot has expired");
    }

    @Test
    void wildcardGrantCoversEveryBot() {
        harness.grantRaw("zhangsan", "{\"grants\":[{\"bot\":\"*\"}],\"source\":\"directory-sync\"}");
        harness.send(Inbound.text("bot-a", "msg-1", "zhangsan", T0));

        assertThat(harness.accepted()).hasSize(1);
    }

    @Test
    void unreadableEntitlementClosesAccess() {
        harness.grant("zhangsan", new Entitlement(List.of(new Grant("*", null))));
        harness.grantRaw("zhangsan", "{not json");
        harness.send(Inbound.text("bot-a", "msg-1", "zhangsan", T0));

        assertThat(harness.rejected()).extracting(r -> r.decision().rule()).containsExactly("auth.entitlement");
    }

    @Test
    void botsOutsideThePolicyIgnoreTheTable() {
        harness.send(Inbound.text("bot-b", "msg-1", "zhangsan", T0));

        assertThat(harness.accepted()).hasSize(1);
    }

    @Test
    void botsFilePolicyIsCheckedBeforeTheTable() {
        harness.grant("zhangsan", new Entitlement(List.of(new Grant("*", null))));
        harness.send(Inbound.text("bot-off", "msg-1", "zhangsan", T0));

        assertThat(harness.rejected()).extracting(MessageRejected::reason).containsExactly(RejectReason.BOT_DISABLED);
    }
}
