package io.wecomrelay.ingress;

import java.util.List;
import java.util.Map;

import io.wecomrelay.schemas.topic.TopicProvisioner;
import io.wecomrelay.schemas.topic.Topics;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;

/**
 * Creates the inbound topic, if missing, before the first callback can arrive; never alters an existing one.
 * Kafka being down at start is not fatal: callbacks get 503 until it is back, and WeCom retries.
 */
final class InboundTopicProvisioning implements ApplicationRunner {

    private final TopicProvisioner provisioner;
    private final Map<String, Integer> partitions;

    InboundTopicProvisioning(TopicProvisioner provisioner, Map<String, Integer> partitions) {
        this.provisioner = provisioner;
        this.partitions = Map.copyOf(partitions);
    }

    @Override
    public void run(ApplicationArguments args) {
        try {
            provisioner.ensure(List.of(Topics.INBOUND), partitions);
        } catch (IllegalStateException e) {
            LoggerFactory.getLogger(InboundTopicProvisioning.class).warn("topics not provisioned: {}", e.getMessage());
        }
    }
}
