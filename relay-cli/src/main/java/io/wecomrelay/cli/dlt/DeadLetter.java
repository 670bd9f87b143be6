package io.wecomrelay.cli.dlt;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

import io.wecomrelay.cli.output.Rows;
import io.wecomrelay.schemas.event.EventHeaders;
import io.wecomrelay.schemas.topic.TopicSpec;
import io.wecomrelay.support.deadletter.DeadLetterHeaders;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.jspecify.annotations.Nullable;

/** One record of a dead-letter topic and what its headers say (service-support's {@link DeadLetterHeaders}). */
record DeadLetter(ConsumerRecord<String, byte[]> record) {

    /** The marker a redriven copy carries: {@code <dead-letter topic>/<partition>/<offset>}. */
    String id() {
        return record.topic() + "/" + record.partition() + "/" + record.offset();
    }

    /** Where it goes back to: the topic it was read from, or the dead-letter topic's name without {@code .dlt}. */
    String sourceTopic() {
        String topic = header(DeadLetterHeaders.TOPIC);
        if (topic != null && !topic.isBlank()) {
            return topic;
        }
        String name = record.topic();
        return name.endsWith(TopicSpec.DEAD_LETTER_SUFFIX) ? name.substring(0, name.length() - TopicSpec.DEAD_LETTER_SUFFIX.length()) : name;
    }

    @Nullable String header(String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    Map<String, @Nullable Object> summary(boolean redriven) {
        Map<String, @Nullable Object> row = Rows.row();
        row.put("partition", record.partition());
        row.put("offset", record.offset());
        row.put("time", Instant.ofEpochMilli(record.timestamp()).toString());
        row.put("from", sourceTopic() + (header(DeadLetterHeaders.PARTITION) == null ? ""
                : "-" + header(DeadLetterHeaders.PARTITION) + "@" + header(DeadLetterHeaders.OFFSET)));
        row.put("service", header(DeadLetterHeaders.SERVICE));
        row.put("type", header(EventHeaders.EVENT_TYPE));
        row.put("exception", header(DeadLetterHeaders.EXCEPTION));
        row.put("message", header(DeadLetterHeaders.MESSAGE));
        row.put("redriven", redriven);
        return row;
    }
}
