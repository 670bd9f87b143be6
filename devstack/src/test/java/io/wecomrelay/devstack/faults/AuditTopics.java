package io.wecomrelay.devstack.faults;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;

/** Reads the broker as an auditor would: whole topics, committed records only. */
final class AuditTopics {

    private final String bootstrapServers;

    AuditTopics(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    /** Every committed record of {@code topics} (a missing topic has none), read up to its end at the time of the call. */
    List<ConsumerRecord<String, byte[]>> readCommitted(Collection<String> topics, Duration timeout) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (var consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            var partitions = new ArrayList<TopicPartition>();
            for (String topic : topics) {
                consumer.partitionsFor(topic, Duration.ofSeconds(10)).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            var records = new ArrayList<ConsumerRecord<String, byte[]>>();
            Awaitility.await(topics + " read to their end").atMost(timeout).pollInSameThread().until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return partitions.stream().allMatch(p -> consumer.position(p) >= ends.get(p));
            });
            return records;
        }
    }

    /** The names of every dead-letter topic ({@code *.dlt}) on the broker. */
    List<String> deadLetterTopics() {
        try (Admin admin = admin()) {
            return await(admin.listTopics().names()).stream().filter(name -> name.endsWith(".dlt")).sorted().toList();
        }
    }

    /** The partitions of {@code topic} each member of consumer group {@code group} holds, by client id. */
    Map<String, List<Integer>> assignments(String group, String topic) {
        try (Admin admin = admin()) {
            ConsumerGroupDescription description = await(admin.describeConsumerGroups(List.of(group)).all()).get(group);
            var assignments = new HashMap<String, List<Integer>>();
            for (MemberDescription member : description.members()) {
                assignments.put(member.clientId(), member.assignment().topicPartitions().stream()
                        .filter(p -> p.topic().equals(topic)).map(TopicPartition::partition).sorted().toList());
            }
            return assignments;
        }
    }

    int partitionCount(String topic) {
        try (Admin admin = admin()) {
            return await(admin.describeTopics(List.of(topic)).allTopicNames()).get(topic).partitions().size();
        }
    }

    private static <T> T await(KafkaFuture<T> future) {
        try {
            return future.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }
}
