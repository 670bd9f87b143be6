package io.wecomrelay.processor.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import io.wecomrelay.processor.auth.EntitlementPolicy;
import io.wecomrelay.processor.decision.DecisionListener;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.Test;

/**
 * The topology's description is kept in {@code topology.txt} so that any change to a processor,
 * store or topic name is a visible diff in review. Renaming a store or changelog abandons its state:
 * update the fixture only on purpose.
 */
class TopologySnapshotTest {

    @Test
    void topologyMatchesTheFixture() throws IOException {
        var topology = new ProcessorTopology(
                new ProcessorTopology.Settings(ProcessorTopics.DEFAULT, Duration.ofHours(24), EntitlementPolicy.DISABLED),
                Inbound.bots(), DecisionListener.NONE);

        String described = topology.build(TopologyHarness.streamsConfig("wecom-relay-processor")).describe().toString();

        if (!described.equals(fixture())) {
            Path actual = Path.of("target", "topology.actual.txt");
            Files.writeString(actual, described, StandardCharsets.UTF_8);
            assertThat(described).as("topology changed; the new description is in " + actual.toAbsolutePath()
                    + ": copy it to src/test/resources/topology.txt if the change is intended").isEqualTo(fixture());
        }
    }

    /**
     * Whether entitlements are on changes only what the auth step looks up, never the graph: the global table stays in
     * (sub-topology 0), so the decisions' sub-topology keeps id 1 and its tasks, state directories and changelogs
     * (1_x) stay where they are when an operator turns entitlements on or off (leaving the table out would renumber
     * them 0_x and need a stop-start upgrade).
     */
    @Test
    void entitlementsOnOrOffBuildTheSameTopology() throws IOException {
        for (EntitlementPolicy policy : List.of(EntitlementPolicy.DISABLED, new EntitlementPolicy(true, Set.of()),
                new EntitlementPolicy(true, Set.of("bot-a")))) {
            TopologyDescription described = new ProcessorTopology(
                    new ProcessorTopology.Settings(ProcessorTopics.DEFAULT, Duration.ofHours(24), policy),
                    Inbound.bots(), DecisionListener.NONE).build(TopologyHarness.streamsConfig("wecom-relay-processor")).describe();

            assertThat(described.toString()).as("entitlements " + policy).isEqualTo(fixture());
            assertThat(described.globalStores()).singleElement().satisfies(global -> {
                assertThat(global.id()).isZero();
                assertThat(global.source().topicSet()).containsExactly(ProcessorTopics.DEFAULT.entitlements());
            });
            assertThat(described.subtopologies()).singleElement().satisfies(decisions -> assertThat(decisions.id()).isEqualTo(1));
        }
    }

    private static String fixture() throws IOException {
        try (InputStream in = TopologySnapshotTest.class.getResourceAsStream("/topology.txt")) {
            assertThat(in).as("processor/src/test/resources/topology.txt").isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
