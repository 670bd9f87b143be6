package io.wecomrelay.support.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.KafkaFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class KafkaAdminsTest {

    /**
     * A call to a broker that never answers stays pending for default.api.timeout.ms (60 s); Kafka's own close()
     * waits for it, so this test's timeout fails unless close() is bounded.
     */
    @Test
    @Timeout(30)
    void closeReturnsWhileACallToAnUnreachableBrokerIsPending() throws Exception {
        Admin admin = KafkaAdmins.create(TopicProvisioningTest.admin(TopicProvisioningTest.closedPort()));
        KafkaFuture<?> pending = admin.listTopics().names();
        assertThat(pending.isDone()).as("the call is pending: nothing answers").isFalse();

        admin.close();   // returning at all within the test's timeout is the assertion
    }
}
