package io.wecomrelay.processor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

class StreamsLatencyTest {

    @Test
    void givesTheStreamThreadsProducerShortLingerAndBackOff() {
        assertThat(StreamsLatency.producerDefaults(Map.of()))
                .containsExactlyInAnyOrderEntriesOf(Map.of("producer.linger.ms", 5, "producer.retry.backoff.ms", 10));
    }

    @Test
    void leavesSettingsTheOperatorGaveAlone() {
        assertThat(StreamsLatency.producerDefaults(Map.of("producer.linger.ms", "20", "retry.backoff.ms", "200")))
                .isEmpty();
        assertThat(StreamsLatency.producerDefaults(Map.of("linger.ms", "0")))
                .containsExactlyInAnyOrderEntriesOf(Map.of("producer.retry.backoff.ms", 10));
    }
}
