package io.wecomrelay.schemas.topic;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

class BotPartitionsTest {

    @Test
    void placesABotWhereKafkasProducerPutsItsKey() {
        for (String bot : List.of("demo-bot", "aib1", "机器人", "x".repeat(64))) {
            for (int partitions : new int[] {1, 3, 6, 12}) {
                int producer = BuiltInPartitioner.partitionForKey(bot.getBytes(StandardCharsets.UTF_8), partitions);
                assertThat(BotPartitions.of(bot, partitions)).as(bot + " of " + partitions).isEqualTo(producer);
            }
        }
    }
}
