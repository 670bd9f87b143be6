package io.wecomrelay.processor.topology;

import static io.wecomrelay.processor.topology.Inbound.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.wecomrelay.processor.auth.Entitlement;
import io.wecomrelay.processor.auth.EntitlementPolicy;
import io.wecomrelay.processor.auth.Grant;
import io.wecomrelay.schemas.event.MessageReceived;
import io.wecomrelay.schemas.event.RelayEvent;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/** A replay of the same input through a fresh application id yields identical decisions, byte for byte. */
class DeterminismTest {

    @Test
    void sameInputThroughFreshDriversGivesIdenticalOutput() {
        List<MessageReceived> input = mixedInput();

        List<String> first = run(input);
        List<String> second = run(input);

        assertThat(first).hasSize(input.size()).isEqualTo(second);
    }

    private static List<MessageReceived> mixedInput() {
        var input = new ArrayList<MessageReceived>();
        for (int i = 0; i < 25; i++) {
            input.add(Inbound.text("bot-a", "a-" + i, "user-" + (i % 3), T0.plusSeconds(i)));
        }
        input.add(Inbound.text("bot-a", "a-3", "user-0", T0.plusSeconds(30)));          // retry
        input.add(Inbound.text("bot-off", "off-1", "user-0", T0.plusSeconds(31)));
        input.add(Inbound.text("bot-x", "x-1", "user-0", T0.plusSeconds(32)));
        input.add(Inbound.inGroup("bot-strict", "s-1", "chat", "zhang.san", T0.plusSeconds(33)));
        input.add(Inbound.event("bot-b", "fb-1", "feedback_event", T0.plusSeconds(34)));
        input.add(Inbound.event("bot-b", "enter-1", "enter_chat", T0.plusSeconds(35)));
        input.add(Inbound.ofType("bot-b", "loc-1", "location", T0.plusSeconds(36)));
        input.add(Inbound.text("bot-b", "b-1", "nobody", T0.plusSeconds(37)));
        return input;
    }

    private static List<String> run(List<MessageReceived> input) {
        try (var harness = TopologyHarness.withEntitlements(new EntitlementPolicy(true, Set.of("bot-b")))) {
            harness.grant("zhangsan", new Entitlement(List.of(new Grant("bot-b", null))));
            input.forEach(harness::send);
            var out = new ArrayList<String>();
            harness.acceptedRecords().forEach(r -> out.add("accepted " + describe(r)));
            harness.rejectedRecords().forEach(r -> out.add("rejected " + describe(r)));
            return out;
        }
    }

    private static String describe(TestRecord<String, RelayEvent> record) {
        var headers = new ArrayList<String>();
        for (Header header : record.headers()) {
            headers.add(header.key() + "=" + new String(header.value(), StandardCharsets.UTF_8));
        }
        return record.key() + " " + record.timestamp() + " " + headers + " " + record.value();
    }
}
