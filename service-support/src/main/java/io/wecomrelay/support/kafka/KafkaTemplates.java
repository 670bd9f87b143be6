package io.wecomrelay.support.kafka;

import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.LoggingProducerListener;

/** The Kafka templates of the services: String keys, the service's {@code spring.kafka.producer.*} settings. */
public final class KafkaTemplates {

    private KafkaTemplates() {
    }

    /**
     * A template with its own producer, built from {@code kafka}'s producer settings, that logs a failed send
     * with the record's coordinates but never its content: Spring's default producer listener logs up to 100
     * characters of the value, which here is message text.
     */
    public static <V> KafkaTemplate<String, V> withoutContentLogging(KafkaProperties kafka, Serializer<V> values) {
        var producers = new DefaultKafkaProducerFactory<>(kafka.buildProducerProperties(), new StringSerializer(), values);
        var template = new KafkaTemplate<>(producers);
        var listener = new LoggingProducerListener<String, V>();
        listener.setIncludeContents(false);
        template.setProducerListener(listener);
        return template;
    }
}
