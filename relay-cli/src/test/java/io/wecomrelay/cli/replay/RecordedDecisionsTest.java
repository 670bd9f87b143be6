package io.wecomrelay.cli.replay;

import java.util.ArrayList;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The compact index of recorded decisions: what the comparison asks of it, at a size that makes it grow. */
class RecordedDecisionsTest {

    @Test
    void everyDecisionIsFoundOnceByItsLinkWithItsPlaceTimeAndPolicy() {
        var recorded = new RecordedDecisions();
        int count = 100_000;
        for (int i = 0; i < count; i++) {
            recorded.add(verdict(i, "text " + i), 1_000L + i, new RecordedDecisions.Place(i % 2, i % 6, 10L * i));
        }

        assertThat(recorded.size()).isEqualTo(count);
        assertThat(recorded.policyVersion(link(77))).isEqualTo("policy-7");
        int index = recorded.take(link(77));
        assertThat(index).isNotNegative();
        assertThat(recorded.take(link(77))).as("taken once").isNegative();
        assertThat(recorded.policyVersion(link(77))).as("taken").isNull();
        assertThat(recorded.sameText(index, verdict(77, "text 77"))).isTrue();
        assertThat(recorded.sameText(index, verdict(77, "text 78"))).isFalse();
        assertThat(recorded.policyVersion(index)).isEqualTo("policy-7");
        assertThat(recorded.timestampMs(index)).isEqualTo(1_077L);
        assertThat(recorded.place(index)).isEqualTo(new RecordedDecisions.Place(1, 5, 770L));
        assertThat(recorded.take("never@1#t")).isNegative();
        for (int i = 0; i < count; i++) {
            if (i != 77 && i % 1000 != 0) {
                assertThat(recorded.take(link(i))).isNotNegative();
            }
        }
        var left = new ArrayList<Long>();
        recorded.forEachLeft(i -> left.add(recorded.timestampMs(i)));
        assertThat(left).hasSize(count / 1000).startsWith(1_000L, 2_000L);
    }

    @Test
    void aLaterDecisionWithTheSameLinkReplacesTheEarlier() {
        var recorded = new RecordedDecisions();
        recorded.add(verdict(1, "first"), 1, new RecordedDecisions.Place(0, 0, 1));
        recorded.add(verdict(1, "second"), 1, new RecordedDecisions.Place(1, 2, 3));

        int index = recorded.take(link(1));
        assertThat(recorded.size()).isEqualTo(1);
        assertThat(recorded.sameText(index, verdict(1, "second"))).isTrue();
        assertThat(recorded.place(index)).isEqualTo(new RecordedDecisions.Place(1, 2, 3));
    }

    @Test
    void tablesReadInParallelMergeInTheOrderGivenLaterOnesReplacingEarlier() {
        var accepted = new RecordedDecisions();
        accepted.add(verdict(1, "accepted"), 1_001, new RecordedDecisions.Place(0, 3, 10));
        accepted.add(verdict(2, "accepted"), 1_002, new RecordedDecisions.Place(0, 3, 11));
        var rejected = new RecordedDecisions();
        rejected.add(verdict(2, "rejected"), 1_002, new RecordedDecisions.Place(1, 4, 20));
        rejected.add(verdict(3, "rejected"), 1_003, new RecordedDecisions.Place(1, 4, 21));

        var merged = new RecordedDecisions();
        merged.addAll(accepted);
        merged.addAll(rejected);

        assertThat(merged.size()).isEqualTo(3);
        int one = merged.take(link(1));
        assertThat(merged.place(one)).isEqualTo(new RecordedDecisions.Place(0, 3, 10));
        assertThat(merged.policyVersion(one)).isEqualTo("policy-1");
        int two = merged.take(link(2));
        assertThat(merged.sameText(two, verdict(2, "rejected"))).as("the later table's").isTrue();
        assertThat(merged.place(two)).isEqualTo(new RecordedDecisions.Place(1, 4, 20));
        int three = merged.take(link(3));
        assertThat(merged.timestampMs(three)).isEqualTo(1_003L);
        assertThat(merged.place(three)).isEqualTo(new RecordedDecisions.Place(1, 4, 21));
    }

    private static Verdict verdict(int i, String text) {
        return new Verdict(link(i), "policy-" + (i % 10), text);
    }

    private static String link(int i) {
        return Verdict.link("stream-" + i, 1_000L + i, "trace-" + i);
    }
}
