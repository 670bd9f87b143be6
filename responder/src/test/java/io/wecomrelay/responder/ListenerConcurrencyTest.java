package io.wecomrelay.responder;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wecomrelay.responder.outage.ConsumerOutages;
import io.wecomrelay.schemas.topic.Topics;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.kafka.listener.DefaultErrorHandler;

/** The listener containers the configuration's factory makes get the configured or the default concurrency. */
class ListenerConcurrencyTest {

    final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
            .withUserConfiguration(ResponderPropertiesTest.PropertiesOnly.class)
            .withPropertyValues("relay.responder.bots-file=/etc/wecom-relay/bots.yaml");

    @Test
    void unsetItIsOneConsumerThreadPerProcessorAtMostOnePerPartition() {
        runner.run(context -> {
            var props = context.getBean(ResponderProperties.class);
            assertThat(containerConcurrency(props, 2)).isEqualTo(2);
            assertThat(containerConcurrency(props, 3)).isEqualTo(3);
            assertThat(containerConcurrency(props, 16)).as("6 partitions by default").isEqualTo(6);
        });
        runner.withPropertyValues("relay.responder.topics.partitions=4").run(context ->
                assertThat(containerConcurrency(context.getBean(ResponderProperties.class), 16)).isEqualTo(4));
    }

    @Test
    void theSettingWinsOverProcessorsAndPartitions() {
        runner.withPropertyValues("relay.responder.listener.concurrency=5").run(context -> {
            var props = context.getBean(ResponderProperties.class);
            assertThat(containerConcurrency(props, 2)).isEqualTo(5);
            assertThat(containerConcurrency(props, 16)).isEqualTo(5);
        });
        runner.withPropertyValues("relay.responder.listener.concurrency=9").run(context ->
                assertThat(containerConcurrency(context.getBean(ResponderProperties.class), 2))
                        .as("beyond the partitions too: the setting is taken as it is").isEqualTo(9));
    }

    /** The concurrency of a container made by the configuration's factory on a machine with {@code processors}. */
    private static int containerConcurrency(ResponderProperties props, int processors) {
        var outages = new ConsumerOutages(Clock.systemUTC(), new SimpleMeterRegistry());
        var factory = new ResponderConfiguration().kafkaListenerContainerFactory(new KafkaProperties(),
                new DefaultErrorHandler(), outages, props, () -> processors);
        return factory.createContainer(Topics.CHUNKS.name()).getConcurrency();
    }
}
