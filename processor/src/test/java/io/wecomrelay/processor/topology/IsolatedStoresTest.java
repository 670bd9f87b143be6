package io.wecomrelay.processor.topology;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import io.wecomrelay.schemas.event.MessageReceived;
import io.wecomrelay.schemas.event.RelayEvent;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

import static io.wecomrelay.processor.topology.Inbound.T0;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code buildIsolated} (what {@code relay replay} runs) decides every record exactly as {@code build} (the running
 * processor): the same decision events, keys and times, across the dedup retention's edges, retries stamped out of
 * order and the rolling rate limit.
 */
class IsolatedStoresTest {

    @Test
    void isolatedStoresDecideExactlyAsTheProcessorsOwn() {
        List<MessageReceived> inputs = inputs();

        List<String> persistent = decide(TopologyHarness.start(), inputs);
        List<String> isolated = decide(TopologyHarness.isolated(), inputs);

        assertThat(isolated).hasSize(inputs.size()).containsExactlyElementsOf(persistent);
        assertThat(persistent).anyMatch(d -> d.contains("DUPLICATE")).anyMatch(d -> d.contains("RATE_LIMITED"))
                .anyMatch(d -> d.startsWith("bot-a:"));
    }

    @Test
    void aLongRandomSequenceIsDecidedAlike() {
        var random = new Random(15);
        var inputs = new ArrayList<MessageReceived>();
        Instant at = T0;
        for (int i = 0; i < 300; i++) {
            // mostly forward, sometimes back (clock skew), now and then past the whole retention
            long step = random.nextInt(10) == 0 ? -random.nextInt(600_000)
                    : random.nextInt(50) == 0 ? TopologyHarness.RETENTION.toMillis() + random.nextInt(3_600_000)
                    : random.nextInt(1_200_000);
            at = at.plusMillis(step);
            String bot = random.nextBoolean() ? "bot-a" : "bot-solo";
            inputs.add(Inbound.text(bot, "r-" + random.nextInt(40), "user-" + random.nextInt(3), at));
        }

        assertThat(decide(TopologyHarness.isolated(), inputs)).containsExactlyElementsOf(decide(TopologyHarness.start(), inputs));
    }

    private static List<MessageReceived> inputs() {
        Duration retention = TopologyHarness.RETENTION;
        var inputs = new ArrayList<MessageReceived>();
        // retention edges: a repeat 1 ms inside the retention, one at it, one long after, one stamped earlier
        inputs.add(Inbound.text("bot-a", "edge", "zhangsan", T0));
        inputs.add(Inbound.text("bot-a", "edge", "zhangsan", T0.plus(retention).minusMillis(1)));
        inputs.add(Inbound.text("bot-a", "edge", "zhangsan", T0.plus(retention)));
        inputs.add(Inbound.text("bot-a", "late", "lisi", T0.plus(retention).plusSeconds(30)));
        inputs.add(Inbound.text("bot-a", "late", "lisi", T0.plus(retention).plusSeconds(10)));
        inputs.add(Inbound.text("bot-a", "edge", "zhangsan", T0.plus(retention.multipliedBy(3))));
        // sightings stamped just inside and outside the retention of the latest time seen, each repeated
        Instant latest = T0.plus(retention.multipliedBy(3));
        for (Instant at : List.of(latest.minus(retention).plusSeconds(5), latest.minus(retention).minus(Duration.ofHours(1)))) {
            inputs.add(Inbound.text("bot-a", "old-" + at.toEpochMilli(), "wangwu", at));
            inputs.add(Inbound.text("bot-a", "old-" + at.toEpochMilli(), "wangwu", at.plusSeconds(1)));
        }
        // bot-solo allows 3 per rolling minute, with retries among them
        Instant burst = T0.plus(retention.multipliedBy(4));
        for (int i = 0; i < 8; i++) {
            inputs.add(Inbound.text("bot-solo", "s-" + (i % 5), "zhaoliu", burst.plusSeconds(9L * i)));
        }
        return inputs;
    }

    private static List<String> decide(TopologyHarness harness, List<MessageReceived> inputs) {
        try (harness) {
            var decisions = new ArrayList<String>();
            for (MessageReceived input : inputs) {
                harness.send(input);
                harness.acceptedRecords().forEach(record -> decisions.add(describe(record)));
                harness.rejectedRecords().forEach(record -> decisions.add(describe(record)));
            }
            return decisions;
        }
    }

    private static String describe(TestRecord<String, RelayEvent> record) {
        return record.key() + " @" + record.timestamp() + " " + record.value();
    }
}
