package io.wecomrelay.devstack.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 13's outage suite: {@link OutageScenario} once (two instances of every service under steady traffic; Redis
 * SIGKILLed for 30 s and for 120 s and started again with its append-only file, then the broker stopped for 30 s
 * and started again; no service restarted), its counts printed, then one check per promise.
 *
 * <p>About 15 minutes on two cores, part of {@code ./mvnw verify}; alone:
 * {@code ./mvnw -B -pl devstack -am verify -Poutages}.
 */
class OutageSuiteTest {

    static OutageScenario scenario;
    static OutageResults results;

    @BeforeAll
    @Timeout(value = 45, unit = TimeUnit.MINUTES)
    static void runTheOutages() throws Exception {
        scenario = new OutageScenario();
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
    void theOutagesHitTheTraffic() {
        assertThat(results.outages()).as("outages").hasSize(3);
        assertThat(results.outages()).as("outages with callbacks while down")
                .allMatch(outage -> outage.callbacksDuring().values().stream().mapToLong(Long::longValue).sum() > 0);
    }

    @Test
    void ingressAnswers503WhileTheBrokerIsDownAndAcceptsMessagesAgainByItself() {
        OutageResults.Outage broker = results.outages().stream().filter(OutageResults.Outage::ofBroker).findFirst().orElseThrow();
        assertThat(broker.callbacksDuring()).as("messages refused with 503 while the broker was down")
                .containsKey("message HTTP 503");
        assertThat(broker.acceptingAgain()).as("time until ingress acknowledged a message again").isNotNull();
    }

    @Test
    void everyInstanceRecoversFromEveryOutageWithoutARestart() {
        assertThat(results.outages()).allSatisfy(outage -> {
            assertThat(outage.unhealthy()).as(outage.what() + ": instances not UP again").isEmpty();
            assertThat(outage.acceptingAgain()).as(outage.what() + ": ingress acknowledging again").isNotNull();
            assertThat(outage.unsettled()).as(outage.what() + ": replies incomplete after the settle").isEmpty();
        });
    }

    @Test
    void everyAcknowledgedMessageIsDecidedExactlyOnce() {
        DecisionCounts decisions = results.counts().decisions();
        assertThat(decisions.acknowledged()).as("acknowledged messages").isPositive();
        assertThat(decisions.problems()).as("messages without exactly one decision").isEmpty();
        assertThat(decisions.accepted()).as("accepted messages").isEqualTo(decisions.acknowledged());
        assertThat(decisions.unknown()).as("decisions on messages never sent").isZero();
    }

    @Test
    void everyAcceptedMessageGetsItsFullReplyOnce() {
        ReplyCounts replies = results.counts().replies();
        assertThat(replies.streamedComplete()).as("streams finished with the full text").isEqualTo(replies.streamed());
        assertThat(replies.responseUrlComplete()).as("response_url replies").isEqualTo(replies.responseUrl());
        assertThat(replies.responseUrlRepeats()).as("posts to a used response_url").isZero();
        assertThat(replies.webhookComplete()).as("webhook replies, each exactly once").isEqualTo(replies.webhook());
    }

    @Test
    void noRecordGoesToADeadLetterTopic() {
        assertThat(results.counts().deadLetters()).as("dead-letter topics").isNotEmpty();
        assertThat(results.counts().deadLetters().values()).as("records in dead-letter topics").allMatch(count -> count == 0);
    }
}
