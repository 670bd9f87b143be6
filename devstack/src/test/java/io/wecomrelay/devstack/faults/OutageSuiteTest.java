package io.wecomrelay.devstack.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 13's outage suite: {@link OutageScenario} once (two instances of every service under steady traffic; Redis
 * SIGKILLed for 30 s and for 120 s and started again with its append-only file, then the broker stopped for 30 s
 * and started again; no service restarted), its counts printed, then one check per promise.
 *
 * <p>15 to 25 minutes on a loaded 2-core machine, part of {@code ./mvnw verify}; alone:
 * {@code ./mvnw -B -pl devstack -am verify -Poutages}.
 */
class OutageSuiteTest {

    @RegisterExtension
    static final SuiteRun<OutageResults> RUN = new SuiteRun<>(new OutageScenario(), Duration.ofMinutes(45));

    @Test
    void theOutagesHitTheTraffic() {
        assertThat(RUN.results().outages()).as("outages").hasSize(3);
        assertThat(RUN.results().outages()).as("outages with callbacks while down")
                .allMatch(outage -> outage.callbacksDuring().values().stream().mapToLong(Long::longValue).sum() > 0);
    }

    @Test
    void ingressAnswers503WhileTheBrokerIsDownAndAcceptsMessagesAgainByItself() {
        OutageResults.Outage broker = RUN.results().outages().stream().filter(OutageResults.Outage::ofBroker).findFirst()
                .orElseThrow();
        assertThat(broker.callbacksDuring()).as("messages refused with 503 while the broker was down")
                .containsKey("message HTTP 503");
        assertThat(broker.acceptingAgain()).as("time until ingress acknowledged a message again").isNotNull();
    }

    @Test
    void everyInstanceRecoversFromEveryOutageWithoutARestart() {
        assertThat(RUN.results().outages()).allSatisfy(outage -> {
            assertThat(outage.unhealthy()).as(outage.what() + ": instances not UP again").isEmpty();
            assertThat(outage.acceptingAgain()).as(outage.what() + ": ingress acknowledging again").isNotNull();
            assertThat(outage.unsettled()).as(outage.what() + ": replies incomplete after the settle").isEmpty();
        });
    }

    @Test
    void everyAcknowledgedMessageIsDecidedExactlyOnce() {
        PipelineChecks.decidedExactlyOnceAndAccepted(RUN.results().counts().decisions());
    }

    @Test
    void everyAcceptedMessageGetsItsFullReplyOnce() {
        PipelineChecks.everyReplyOnceWithTheFullText(RUN.results().counts().replies());
    }

    @Test
    void noRecordGoesToADeadLetterTopic() {
        PipelineChecks.nothingDeadLettered(RUN.results().counts());
    }
}
