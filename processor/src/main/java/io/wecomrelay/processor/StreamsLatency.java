package io.wecomrelay.processor;

import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Producer settings of the stream threads' transactional producer that keep a decision's commit short (issue 16,
 * BENCHMARKS.md section 4), unless {@code spring.kafka.streams.properties} sets them:
 * <ul>
 * <li>{@code linger.ms} 5 instead of Kafka Streams' 100: decisions are sent while the transaction is open, so the
 *     commit no longer starts by sending them all and waiting for their acknowledgement;</li>
 * <li>{@code retry.backoff.ms} 10 instead of 100: a send that reaches a partition whose previous transaction's
 *     marker is still being written is refused with CONCURRENT_TRANSACTIONS and retried after this back-off, which
 *     delays the whole next commit. Repeated failures still back off exponentially up to
 *     {@code retry.backoff.max.ms} (1 s).</li>
 * </ul>
 * Neither changes what is committed: records and offsets still commit in one transaction.
 */
final class StreamsLatency {

    static final int LINGER_MS = 5;
    static final int RETRY_BACKOFF_MS = 10;

    private StreamsLatency() {
    }

    /** The defaults {@code configured} does not set already (plain or with the {@code producer.} prefix). */
    static Map<String, Object> producerDefaults(Map<String, Object> configured) {
        var defaults = new HashMap<String, Object>();
        putIfUnset(defaults, configured, ProducerConfig.LINGER_MS_CONFIG, LINGER_MS);
        putIfUnset(defaults, configured, ProducerConfig.RETRY_BACKOFF_MS_CONFIG, RETRY_BACKOFF_MS);
        return defaults;
    }

    private static void putIfUnset(Map<String, Object> defaults, Map<String, Object> configured, String name, Object value) {
        String prefixed = StreamsConfig.producerPrefix(name);
        if (!configured.containsKey(name) && !configured.containsKey(prefixed)) {
            defaults.put(prefixed, value);
        }
    }
}
