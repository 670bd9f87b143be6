package io.wecomrelay.schemas.topic;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.utils.Utils;

/**
 * The partition of a record keyed by bot id, exactly as Kafka's default producer partitioner places it
 * (murmur2 of the key's UTF-8 bytes). The connector owns a long-connection bot exactly when its consumer is
 * assigned this partition of {@link Topics#OUTBOUND}, so the notices the responder writes for the bot reach the
 * instance holding its socket.
 */
public final class BotPartitions {

    private BotPartitions() {
    }

    public static int of(String botId, int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be positive: " + partitions);
        }
        return Utils.toPositive(Utils.murmur2(botId.getBytes(StandardCharsets.UTF_8))) % partitions;
    }
}
