package io.wecomrelay.cli.topics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.wecomrelay.cli.command.KafkaCommand;
import io.wecomrelay.cli.kafka.Admins;
import io.wecomrelay.cli.kafka.InfrastructureException;
import io.wecomrelay.cli.output.ExitCodes;
import io.wecomrelay.cli.output.Rows;
import io.wecomrelay.schemas.topic.TopicSpec;
import io.wecomrelay.support.kafka.TopicProvisioner;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code relay topics}: the topics as the catalog in {@code schemas} expects them. */
@Command(name = "topics", mixinStandardHelpOptions = true, description = "The topics against the catalog.",
        subcommands = {TopicsCommand.Check.class, TopicsCommand.Create.class})
public final class TopicsCommand {

    /** Options both subcommands share. */
    static final class Expectations {
        @Option(names = "--partitions", paramLabel = "TOPIC=N",
                description = "Partitions a deployment configured for a topic (the services' relay.*.topics.partitions), "
                        + "instead of the catalog's default; repeatable.")
        Map<String, Integer> partitions = new HashMap<>();
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {"Compares every topic with the catalog: partitions, retention.ms and cleanup.policy.",
                    "Exit code 1 when a topic is missing or differs."})
    static final class Check extends KafkaCommand {

        @Mixin
        Expectations expectations;

        @Override
        public Integer call() {
            List<TopicSpec> expected = TopicCatalog.expected();
            Rows rows = rows();
            boolean differs = false;
            try (Admin admin = Admins.create(kafka)) {
                Set<String> existing = Admins.await(admin.listTopics().names(), kafka, "listing topics");
                var present = expected.stream().map(TopicSpec::name).filter(existing::contains).toList();
                Map<String, TopicDescription> descriptions = present.isEmpty() ? Map.of()
                        : Admins.await(admin.describeTopics(present).allTopicNames(), kafka, "describing topics");
                Map<ConfigResource, Config> configs = configs(admin, present);
                for (TopicSpec topic : expected) {
                    differs |= !check(topic, descriptions.get(topic.name()),
                            configs.get(new ConfigResource(ConfigResource.Type.TOPIC, topic.name())), rows);
                }
            }
            rows.flush();
            return differs ? ExitCodes.DIFFERENCES : ExitCodes.OK;
        }

        private Map<ConfigResource, Config> configs(Admin admin, List<String> names) {
            if (names.isEmpty()) {
                return Map.of();
            }
            var resources = names.stream().map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name)).toList();
            return Admins.await(admin.describeConfigs(resources).all(), kafka, "describing topic configs");
        }

        private boolean check(TopicSpec topic, @Nullable TopicDescription description, @Nullable Config config, Rows rows) {
            int wantedPartitions = expectations.partitions.getOrDefault(topic.name(), topic.defaultPartitions());
            String wantedPolicy = topic.compacted() ? TopicConfig.CLEANUP_POLICY_COMPACT : TopicConfig.CLEANUP_POLICY_DELETE;
            Map<String, @Nullable Object> row = Rows.row();
            row.put("topic", topic.name());
            row.put("partitions", wantedPartitions);
            row.put("retention", topic.compacted() ? "-" : topic.retention().toString());
            row.put("cleanup", wantedPolicy);
            var problems = new ArrayList<String>();
            if (description == null || config == null) {
                problems.add("missing");
            } else {
                int partitions = description.partitions().size();
                if (partitions != wantedPartitions) {
                    problems.add("partitions " + partitions);
                }
                String policy = value(config, TopicConfig.CLEANUP_POLICY_CONFIG);
                if (!wantedPolicy.equals(policy)) {
                    problems.add("cleanup.policy " + policy);
                }
                String retention = value(config, TopicConfig.RETENTION_MS_CONFIG);
                if (!topic.compacted() && !Long.toString(topic.retentionMs()).equals(retention)) {
                    problems.add("retention.ms " + retention);
                }
            }
            row.put("status", problems.isEmpty() ? "ok" : String.join(", ", problems));
            rows.add(row);
            return problems.isEmpty();
        }

        private static String value(Config config, String name) {
            var entry = config.get(name);
            return entry == null ? "" : entry.value();
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Creates the missing topics as the services would (existing topics are never changed).")
    static final class Create extends KafkaCommand {

        @Mixin
        Expectations expectations;

        @Option(names = "--replication-factor", defaultValue = "-1",
                description = "Of created topics; -1 (default) uses the broker's default.replication.factor.")
        short replicationFactor;

        @Override
        public Integer call() {
            List<String> created;
            try (Admin admin = Admins.create(kafka)) {
                created = new TopicProvisioner(admin, replicationFactor, kafka.requestTimeout())
                        .ensure(TopicCatalog.expected(), expectations.partitions);
            } catch (IllegalStateException e) {
                throw new InfrastructureException("creating topics failed: " + e.getMessage(), e);
            }
            Rows rows = rows();
            for (TopicSpec topic : TopicCatalog.expected()) {
                Map<String, @Nullable Object> row = Rows.row();
                row.put("topic", topic.name());
                row.put("action", created.contains(topic.name()) ? "created" : "exists");
                rows.add(row);
            }
            rows.flush();
            return ExitCodes.OK;
        }
    }
}
