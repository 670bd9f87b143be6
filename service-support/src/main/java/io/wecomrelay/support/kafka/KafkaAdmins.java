package io.wecomrelay.support.kafka;

import java.time.Duration;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ForwardingAdmin;

/**
 * The only way the services create a Kafka {@link Admin}: one whose {@code close()} gives pending calls at most
 * {@link #CLOSE_TIMEOUT}. Kafka's own {@code close()} waits for them without a bound, so a service that started
 * while the broker was unreachable could never stop (its shutdown waited in {@code KafkaAdminClient.close()}).
 */
public final class KafkaAdmins {

    public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private KafkaAdmins() {
    }

    public static Admin create(Map<String, Object> properties) {
        return new BoundedCloseAdmin(properties);
    }

    private static final class BoundedCloseAdmin extends ForwardingAdmin {

        BoundedCloseAdmin(Map<String, Object> properties) {
            super(properties);
        }

        @Override
        public void close() {
            close(CLOSE_TIMEOUT);
        }
    }
}
