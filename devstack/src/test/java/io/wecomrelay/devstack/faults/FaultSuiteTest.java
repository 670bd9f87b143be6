package io.wecomrelay.devstack.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 13's fault suite: {@link FaultScenario} once (two instances of every service, one of each SIGKILLed
 * mid-stream in turn and started again, under steady traffic), its counts printed, then one check per promise.
 *
 * <p>Five to eight minutes on two cores, part of {@code ./mvnw verify}; alone:
 * {@code ./mvnw -B -pl devstack -am verify -Pfaults}.
 */
class FaultSuiteTest {

    static FaultScenario scenario;
    static FaultResults results;

    @BeforeAll
    @Timeout(value = 40, unit = TimeUnit.MINUTES)
    static void runTheFaults() throws Exception {
        scenario = new FaultScenario();
        results = scenario.run();
        System.out.println(results.report());
    }

    @AfterAll
    static void stopEverything() {
        if (scenario != null) {
            scenario.close();
        }
    }

    @Test
    void everyMessageIsAcknowledgedAndDecidedExactlyOnce() {
        assertThat(results.counts().sent()).as("messages no ingress instance acknowledged").allMatch(SentMessage::acknowledged);
        assertThat(results.counts().decisions().problems()).as("messages without exactly one decision").isEmpty();
        assertThat(results.counts().decisions().accepted()).as("accepted messages").isEqualTo(results.counts().decisions().acknowledged());
        assertThat(results.counts().decisions().unknown()).as("decisions on messages never sent").isZero();
    }

    @Test
    void difyIsAskedAgainOnlyForRepliesTheKilledWorkerLeftUnfinished() {
        assertThat(results.workerInFlight()).as("replies in flight on the killed llm-worker (the kill hit work)").isPositive();
        assertThat(results.counts().dify().withoutCall()).as("replies Dify was never asked for").isZero();
        assertThat(results.counts().dify().maxPerStream()).as("Dify calls of one reply: one, and one more after the worker kill")
                .isLessThanOrEqualTo(2);
        assertThat(results.counts().dify().withExtra()).as("replies asked for again").isBetween(1, results.workerInFlight());
    }

    @Test
    void everyReplyReachesItsUserOnceWithTheFullText() {
        ReplyCounts replies = results.counts().replies();
        assertThat(replies.streamedComplete()).as("streams finished with the full text").isEqualTo(replies.streamed());
        assertThat(replies.responseUrlComplete()).as("response_url replies").isEqualTo(replies.responseUrl());
        assertThat(replies.responseUrlRepeats()).as("posts to a used response_url").isZero();
        assertThat(replies.webhookComplete()).as("webhook replies").isEqualTo(replies.webhook());
    }

    @Test
    @Disabled("""
            known failure (responder): active replies are queued in the order their last chunks are folded, and the
            streams of one conversation lie on different wecom.chunks partitions (keyed by stream id). When a responder
            dies, streams whose last chunk is on its partitions wait for the consumer group to notice (session timeout,
            45 s) while later streams on the survivor's partitions are queued and sent first: a group's webhook replies
            arrive out of order. See the fault suite section of the README.""")
    void webhookRepliesArriveInTheOrderTheGroupSentTheMessages() {
        assertThat(results.counts().replies().webhookInOrder()).as("webhook replies in sending order").isTrue();
    }

    @Test
    void noRecordGoesToADeadLetterTopic() {
        assertThat(results.counts().deadLetters()).as("dead-letter topics").isNotEmpty();
        assertThat(results.counts().deadLetters().values()).as("records in dead-letter topics").allMatch(count -> count == 0);
    }
}
