package io.wecomrelay.schemas.topic;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the topics a service needs when they are missing, with the configured partitions and
 * retention. Existing topics are never changed: a partition count that differs from the
 * configuration is logged as a warning, because changing it would move keys between partitions.
 */
public final class TopicProvisioner {

    private static final Logger log = LoggerFactory.getLogger(TopicProvisioner.class);

    private final Admin admin;
    private final short replicationFactor;

    public TopicProvisioner(Admin admin, short replicationFactor) {
        this.admin = admin;
        this.replicationFactor = replicationFactor;
    }

    /**
     * @param topics     the topics to ensure
     * @param partitions partitions for newly created topics, per topic name; missing names use the
     *                   topic's default
     * @return the names of the topics this call created
     */
    public List<String> ensure(Collection<TopicSpec> topics, Map<String, Integer> partitions) {
        try {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
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
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot provision topics: " + e.getMessage(), e);
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
        for (var entry : admin.createTopics(topics).values().entrySet()) {
            try {
                entry.getValue().get(30, TimeUnit.SECONDS);
                log.info("created topic={}", entry.getKey());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
    }

    private void warnOnDrift(String name, int wanted) throws InterruptedException, ExecutionException, TimeoutException {
        TopicDescription description = admin.describeTopics(List.of(name)).allTopicNames().get(30, TimeUnit.SECONDS).get(name);
        int actual = description.partitions().size();
        if (actual != wanted) {
            log.warn("topic={} has partitions={} but configuration says {}; left unchanged", name, actual, wanted);
        }
    }
}
