package io.wecomrelay.devstack.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 13's fault suite: {@link FaultScenario} once (two instances of every service, one of each SIGKILLed
 * mid-stream in turn and started again, under steady traffic), its counts printed, then one check per promise.
 *
 * <p>Five to eight minutes on two cores, part of {@code ./mvnw verify}; alone:
 * {@code ./mvnw -B -pl devstack -am verify -Pfaults} (with the outage suite).
 */
class FaultSuiteTest {

    @RegisterExtension
    static final SuiteRun<FaultResults> RUN = new SuiteRun<>(new FaultScenario(), Duration.ofMinutes(40));

    @Test
    void everyMessageIsAcknowledgedAndDecidedExactlyOnce() {
        assertThat(RUN.results().counts().sent()).as("messages no ingress instance acknowledged")
                .filteredOn(message -> !message.acknowledged()).isEmpty();
        PipelineChecks.decidedExactlyOnceAndAccepted(RUN.results().counts().decisions());
    }

    @Test
    void difyIsAskedAgainOnlyForRepliesTheKilledWorkerLeftUnfinished() {
        FaultResults results = RUN.results();
        assertThat(results.workerInFlight()).as("replies in flight on the killed llm-worker (the kill hit work)").isPositive();
        assertThat(results.counts().dify().withoutCall()).as("replies Dify was never asked for").isZero();
        assertThat(results.counts().dify().maxPerStream()).as("Dify calls of one reply: one, and one more after the worker kill")
                .isLessThanOrEqualTo(2);
        assertThat(results.counts().dify().withExtra()).as("replies asked for again").isBetween(1, results.workerInFlight());
    }

    @Test
    void everyReplyReachesItsUserOnceWithTheFullText() {
        PipelineChecks.everyReplyOnceWithTheFullText(RUN.results().counts().replies());
    }

    @Test
    void webhookRepliesArriveInTheOrderTheGroupSentTheMessages() {
        assertThat(RUN.results().counts().replies().webhookInOrder()).as("webhook replies in sending order").isTrue();
    }

    @Test
    void noRecordGoesToADeadLetterTopic() {
        PipelineChecks.nothingDeadLettered(RUN.results().counts());
    }
}
