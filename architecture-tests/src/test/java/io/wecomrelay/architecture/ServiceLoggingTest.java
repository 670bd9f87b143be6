package io.wecomrelay.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every service logs through service-support's batched console ({@code console.xml}, whose appender writes each 100 ms
 * of lines in one write): a service with an appender of its own would be back to a write, or a wake-up, per line on
 * the thread that logs (BENCHMARKS.md section 10, round 13).
 */
class ServiceLoggingTest {

    private static final String INCLUDE = "<include resource=\"io/wecomrelay/support/logging/console.xml\"/>";

    @ParameterizedTest
    @ValueSource(strings = {"ingress", "processor", "llm-worker", "responder", "connector"})
    void everyServiceIncludesTheBatchedConsoleAndDefinesNoAppenderOfItsOwn(String module) throws IOException {
        String config = Files.readString(Path.of("..", module, "src", "main", "resources", "logback-spring.xml"));

        assertThat(config).contains(INCLUDE).doesNotContain("<appender");
    }
}
