package io.wecomrelay.devstack.faults;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.common.GroupState;

/**
 * The consumer groups of the services the suites run, as the broker sees them. Traffic starts only once every
 * instance has joined: a worker that joins while replies are in flight takes partitions from the other, whose replies
 * on them are redone (a second Dify call that no fault caused, which the suites would count against the kills).
 */
final class ConsumerGroups {

    /** The processor's Kafka Streams application id and the consumer groups of llm-worker and responder. */
    static final List<String> PIPELINE = List.of("wecom-relay-processor", "wecom-relay-llm-worker", "wecom-relay-responder");

    private ConsumerGroups() {
    }

    /**
     * Waits until each group is stable with at least {@code instances} members.
     *
     * @return a description of the groups that are not, empty when all are
     */
    static String awaitJoined(String bootstrapServers, int instances, Duration timeout) throws InterruptedException {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            var pending = new StringBuilder();
            PipelineUnderLoad.await(timeout, () -> {
                pending.setLength(0);
                describe(admin).values().stream()
                        .filter(group -> group.groupState() != GroupState.STABLE || group.members().size() < instances)
                        .forEach(group -> pending.append(group.groupId()).append(' ').append(group.groupState())
                                .append(" with ").append(group.members().size()).append(" members; "));
                return pending.isEmpty();
            });
            return pending.toString();
        }
    }

    private static Map<String, ConsumerGroupDescription> describe(Admin admin) {
        try {
            return admin.describeConsumerGroups(PIPELINE).all().get(5, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return Map.of(); // asked again on the next poll
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Map.of();
        }
    }
}
