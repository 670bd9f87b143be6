package io.wecomrelay.support.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.kafka.support.LoggingProducerListener;

class KafkaTemplatesTest {

    private static final String TEXT = "the user's message text";

    private final Logger listenerLog = (Logger) LoggerFactory.getLogger(LoggingProducerListener.class);
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

    @AfterEach
    void detach() {
        listenerLog.detachAppender(logged);
    }

    @Test
    void aFailedSendIsLoggedWithItsTopicButNeitherKeyNorValue() throws IOException {
        logged.start();
        listenerLog.addAppender(logged);
        var kafka = new KafkaProperties();
        kafka.setBootstrapServers(List.of("127.0.0.1:" + closedPort()));
        kafka.getProducer().getProperties().put("max.block.ms", "300");
        var template = KafkaTemplates.withoutContentLogging(kafka, new StringSerializer());
        try {
            assertThatThrownBy(() -> template.send("wecom.chunks", "stream-secret-key", TEXT).get(10, TimeUnit.SECONDS))
                    .hasRootCauseInstanceOf(TimeoutException.class);
        } finally {
            template.getProducerFactory().reset();
        }

        // the template completes the send's future before it tells the producer listener
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(logged.list).singleElement().satisfies(event -> {
            assertThat(event.getFormattedMessage()).contains("wecom.chunks").doesNotContain(TEXT)
                    .doesNotContain("stream-secret-key");
        }));
    }

    private static int closedPort() throws IOException {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
