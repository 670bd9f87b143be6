package io.wecomrelay.processor;

import io.wecomrelay.processor.topology.ProcessorTopology;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.config.KafkaStreamsInfrastructureCustomizer;

/** Puts the topology on Spring's {@code StreamsBuilder} and prints the built topology at start. */
final class TopologyInstaller implements KafkaStreamsInfrastructureCustomizer {

    private static final Logger log = LoggerFactory.getLogger(TopologyInstaller.class);

    private final ProcessorTopology topology;

    TopologyInstaller(ProcessorTopology topology) {
        this.topology = topology;
    }

    @Override
    public void configureBuilder(StreamsBuilder builder) {
        topology.addTo(builder);
    }

    @Override
    public void configureTopology(Topology built) {
        log.info("processor topology:\n{}", built.describe());
    }
}
