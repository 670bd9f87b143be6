package io.wecomrelay.schemas.topic;

import java.time.Duration;
import java.util.Objects;

/**
 * One topic of the pipeline.
 *
 * @param name              the topic name
 * @param key               what the record key means, for operators and auditors
 * @param defaultPartitions partitions used when a service creates the topic; configurable per deployment
 * @param retention         how long records are kept; ignored for compacted topics
 * @param compacted         true for changelog-like topics keyed by entity
 */
public record TopicSpec(String name, String key, int defaultPartitions, Duration retention, boolean compacted) {

    /** Suffix of every dead-letter topic. */
    public static final String DEAD_LETTER_SUFFIX = ".dlt";

    public TopicSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(retention, "retention");
        if (defaultPartitions < 1) {
            throw new IllegalArgumentException("partitions must be positive: " + defaultPartitions);
        }
    }

    /** The dead-letter topic of this topic: same key and partitions, long retention. */
    public TopicSpec deadLetter() {
        return new TopicSpec(name + DEAD_LETTER_SUFFIX, key, defaultPartitions, Topics.LONG_RETENTION, false);
    }

    /** {@code retention.ms} as Kafka expects it, or -1 for compacted topics. */
    public long retentionMs() {
        return compacted ? -1 : retention.toMillis();
    }
}
