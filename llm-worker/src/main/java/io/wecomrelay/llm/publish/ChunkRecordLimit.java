package io.wecomrelay.llm.publish;

import java.util.Map;

import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The largest chunk record the publisher makes: the producer's {@code max.request.size} less
 * {@value #RECORD_FRAMING_BYTES} bytes for what it adds around key, value and headers (batch and
 * record framing, varints), so that the producer never refuses a chunk for its size.
 */
public final class ChunkRecordLimit {

    /** Kafka's default {@code max.request.size}. */
    static final long DEFAULT_MAX_REQUEST_SIZE = 1024 * 1024;
    /** Batch header (61 bytes), record header (at most 21) and header varints, with room to spare. */
    static final int RECORD_FRAMING_BYTES = 512;

    private ChunkRecordLimit() {
    }

    /** @param producer the producer's settings */
    public static long maxRecordBytes(Map<String, ?> producer) {
        Object configured = producer.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
        long maxRequestSize = configured == null ? DEFAULT_MAX_REQUEST_SIZE : Long.parseLong(configured.toString().trim());
        return maxRequestSize - RECORD_FRAMING_BYTES;
    }
}
