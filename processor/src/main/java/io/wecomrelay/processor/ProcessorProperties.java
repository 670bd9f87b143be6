package io.wecomrelay.processor;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.wecomrelay.processor.topology.ProcessorTopics;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import org.hibernate.validator.constraints.time.DurationMin;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Every setting of the processor ({@code relay.processor.*}); {@code application.yaml} documents each.
 * The Kafka connection itself (bootstrap servers, security) is Spring Boot's {@code spring.kafka.*},
 * shared by all services.
 *
 * @param botsFile           the bots YAML file, read at start and again when it changed
 * @param botsReloadInterval how often the bots file is checked for changes
 * @param applicationId      the Kafka Streams application id; changing it abandons all state (a migration)
 * @param dedupRetention     how long a (bot id, msgid) is remembered, in record time
 * @param entitlements       the optional entitlement table
 * @param topics             provisioning of the topics the processor reads and writes
 * @param streams            Kafka Streams tuning
 */
@Validated
@ConfigurationProperties("relay.processor")
public record ProcessorProperties(
        @NotNull Path botsFile,
        @DefaultValue("2s") @NotNull @DurationMin(millis = 1) Duration botsReloadInterval,
        @DefaultValue("wecom-relay-processor") @NotBlank String applicationId,
        @DefaultValue("24h") @NotNull @DurationMin(seconds = 1) Duration dedupRetention,
        @DefaultValue @Valid Entitlements entitlements,
        @DefaultValue @Valid TopicSettings topics,
        @DefaultValue @Valid StreamsTuning streams) {

    /**
     * @param enabled consult {@code wecom.entitlements} at all
     * @param bots    the bots that require a grant; empty means every bot
     */
    public record Entitlements(@DefaultValue("false") boolean enabled, @DefaultValue List<String> bots) {
    }

    /**
     * @param provision         create missing topics at start (existing ones are never changed)
     * @param replicationFactor for created topics; -1 uses the broker's {@code default.replication.factor}
     * @param partitions        for created topics; unset ones use the catalog's defaults
     */
    public record TopicSettings(@DefaultValue("true") boolean provision,
                                @DefaultValue("-1") short replicationFactor,
                                @DefaultValue @Valid Partitions partitions) {
    }

    /** Partitions per topic; the dead-letter topic gets the inbound topic's count. Null: the catalog's default. */
    public record Partitions(@Nullable @Positive Integer inbound, @Nullable @Positive Integer accepted,
                             @Nullable @Positive Integer rejected, @Nullable @Positive Integer entitlements) {

        /** Partitions by topic name, for the names in {@code topics}; only the configured ones. */
        public Map<String, Integer> byName(ProcessorTopics topics) {
            var byName = new HashMap<String, Integer>();
            if (inbound != null) {
                byName.put(topics.inbound(), inbound);
                byName.put(topics.inboundDeadLetter(), inbound);
            }
            if (accepted != null) {
                byName.put(topics.accepted(), accepted);
            }
            if (rejected != null) {
                byName.put(topics.rejected(), rejected);
            }
            if (entitlements != null) {
                byName.put(topics.entitlements(), entitlements);
            }
            return byName;
        }
    }

    /**
     * @param threads           stream threads in this instance
     * @param stateDir          where the local state (RocksDB) lives; null: Kafka's default under java.io.tmpdir
     * @param commitInterval    how often transactions commit; the latency floor of a decision under exactly-once
     * @param pollInterval      how long a stream thread waits for input before it looks at the commit again (Kafka
     *                          Streams' {@code poll.ms}): an idle thread commits what it decided only after such a wait,
     *                          so a decision waits up to commit-interval plus this
     * @param replicationFactor of the changelog topics; -1 uses the broker's default
     * @param globalPollInterval the longest the global thread (the entitlements table) waits in one poll while the app
     *                          runs, instead of {@code pollInterval}: a changed entitlement still applies as soon as its
     *                          fetch returns; the wait bounds only how late that thread looks at anything else (its
     *                          shutdown wakes it at once)
     */
    public record StreamsTuning(@DefaultValue("1") @Min(1) int threads,
                                @Nullable Path stateDir,
                                @DefaultValue("50ms") @NotNull Duration commitInterval,
                                @DefaultValue("10ms") @NotNull Duration pollInterval,
                                @DefaultValue("-1") int replicationFactor,
                                @DefaultValue("1s") @NotNull @DurationMin(millis = 1) Duration globalPollInterval) {
    }
}
