package io.wecomrelay.cli.command;

import io.wecomrelay.cli.kafka.KafkaOptions;
import io.wecomrelay.cli.kafka.TopicScanner;
import picocli.CommandLine.Mixin;

/**
 * A command that reads or writes the topics: {@link PrintingCommand}'s options and the Kafka connection's
 * ({@link KafkaOptions}).
 */
public abstract class KafkaCommand extends PrintingCommand {

    @Mixin
    protected KafkaOptions kafka;

    /** A reader of the topics that reports its progress; close it. */
    protected TopicScanner scanner() {
        return new TopicScanner(kafka, progress());
    }
}
