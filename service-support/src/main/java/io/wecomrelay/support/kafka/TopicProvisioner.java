package io.wecomrelay.support.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.wecomrelay.schemas.topic.TopicSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the topics a service needs when they are missing, with the configured partitions and
 * retention. Existing topics are never changed: a partition count that differs from the
 * configuration is logged as a warning, because changing it would move keys between partitions.
 * Every call to Kafka gives up after the request timeout, so an unreachable broker is an exception,
 * never a wait without end.
 */
public final class TopicProvisioner {

    private static final Logger log = LoggerFactory.getLogger(TopicProvisioner.class);

    private final Admin admin;
    private final short replicationFactor;
    private final Duration requestTimeout;

    public TopicProvisioner(Admin admin, short replicationFactor, Duration requestTimeout) {
        this.admin = admin;
        this.replicationFactor = replicationFactor;
        this.requestTimeout = requestTimeout;
    }

    /**
     * @param topics     the topics to ensure
     * @param partitions partitions for newly created topics, per topic name; missing names use the
     *                   topic's default
     * @return the names of the topics this call created
     * @throws IllegalStateException when Kafka refuses or does not answer within the request timeout
     */
    public List<String> ensure(Collection<TopicSpec> topics, Map<String, Integer> partitions) {
        try {
            Set<String> existing = await(admin.listTopics(new ListTopicsOptions().timeoutMs(timeoutMs())).names());
            var toCreate = new ArrayList<NewTopic>();
            for (TopicSpec spec : topics) {
                int wanted = partitions.getOrDefault(spec.name(), spec.defaultPartitions());
                if (existing.contains(spec.name())) {
                    warnOnDrift(spec.name(), wanted);
                } else {
                    toCreate.add(newTopic(spec, wanted));
                }
            }
            createAll(toCreate);
            return toCreate.stream().map(NewTopic::name).toList();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while provisioning topics", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new IllegalStateException(cause.getClass().getSimpleName() + ": " + cause.getMessage(), cause);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not answer within " + requestTimeout, e);
        }
    }

    private NewTopic newTopic(TopicSpec spec, int partitions) {
        Map<String, String> configs = spec.compacted()
                ? Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)
                : Map.of(TopicConfig.RETENTION_MS_CONFIG, Long.toString(spec.retentionMs()));
        return new NewTopic(spec.name(), partitions, replicationFactor).configs(configs);
    }

    private void createAll(List<NewTopic> topics) throws InterruptedException, ExecutionException, TimeoutException {
        if (topics.isEmpty()) {
            return;
        }
        var options = new CreateTopicsOptions().timeoutMs(timeoutMs());
        for (var entry : admin.createTopics(topics, options).values().entrySet()) {
            try {
                await(entry.getValue());
                log.info("created topic={}", entry.getKey());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
    }

    private void warnOnDrift(String name, int wanted) throws InterruptedException, ExecutionException, TimeoutException {
        var options = new DescribeTopicsOptions().timeoutMs(timeoutMs());
        TopicDescription description = await(admin.describeTopics(List.of(name), options).allTopicNames()).get(name);
        int actual = description.partitions().size();
        if (actual != wanted) {
            log.warn("topic={} has partitions={} but configuration says {}; left unchanged", name, actual, wanted);
        }
    }

    /** The call's own timeout normally ends it first, with Kafka's reason; this bound is the backstop. */
    private <T> T await(KafkaFuture<T> future) throws InterruptedException, ExecutionException, TimeoutException {
        return future.get(requestTimeout.toMillis() * 2, TimeUnit.MILLISECONDS);
    }

    private int timeoutMs() {
        return (int) Math.min(Integer.MAX_VALUE, requestTimeout.toMillis());
    }
}
