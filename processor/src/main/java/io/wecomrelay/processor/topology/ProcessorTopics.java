package io.wecomrelay.processor.topology;

import java.util.List;
import java.util.Objects;

import io.wecomrelay.schemas.topic.TopicSpec;
import io.wecomrelay.schemas.topic.Topics;

/**
 * The names of the topics the processor reads and writes. Production uses {@link #DEFAULT} (the
 * catalog in {@link Topics}); tests that share a broker give each run its own names.
 */
public record ProcessorTopics(String inbound, String accepted, String rejected, String entitlements) {

    public static final ProcessorTopics DEFAULT = new ProcessorTopics(
            Topics.INBOUND.name(), Topics.ACCEPTED.name(), Topics.REJECTED.name(), Topics.ENTITLEMENTS.name());

    public ProcessorTopics {
        Objects.requireNonNull(inbound, "inbound");
        Objects.requireNonNull(accepted, "accepted");
        Objects.requireNonNull(rejected, "rejected");
        Objects.requireNonNull(entitlements, "entitlements");
    }

    /** Every name with {@code prefix} in front. */
    public static ProcessorTopics prefixed(String prefix) {
        return new ProcessorTopics(prefix + DEFAULT.inbound, prefix + DEFAULT.accepted, prefix + DEFAULT.rejected,
                prefix + DEFAULT.entitlements);
    }

    /** Where records that cannot be read or processed go, with the error in headers. */
    public String inboundDeadLetter() {
        return inbound + TopicSpec.DEAD_LETTER_SUFFIX;
    }

    /** The catalog's specs (key, partitions, retention, compaction) under these names, for provisioning. */
    public List<TopicSpec> specs() {
        TopicSpec inboundSpec = renamed(Topics.INBOUND, inbound);
        return List.of(inboundSpec, renamed(Topics.ACCEPTED, accepted), renamed(Topics.REJECTED, rejected),
                renamed(Topics.ENTITLEMENTS, entitlements), inboundSpec.deadLetter());
    }

    private static TopicSpec renamed(TopicSpec spec, String name) {
        return new TopicSpec(name, spec.key(), spec.defaultPartitions(), spec.retention(), spec.compacted());
    }
}
