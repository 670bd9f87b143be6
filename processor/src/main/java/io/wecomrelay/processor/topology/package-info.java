/**
 * The processor's Kafka Streams topology and the settings its guarantees rest on. Plain Java: Spring
 * only hands it a {@code StreamsBuilder}; tests build it for {@code TopologyTestDriver} or run it on
 * a real broker with {@code KafkaStreams}.
 */
@NullMarked
package io.wecomrelay.processor.topology;

import org.jspecify.annotations.NullMarked;
