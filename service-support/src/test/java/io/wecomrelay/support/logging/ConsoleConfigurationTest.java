package io.wecomrelay.support.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.Appender;
import ch.qos.logback.classic.spi.ILoggingEvent;
import org.junit.jupiter.api.Test;

/** What a service gets from including {@code console.xml}: the batched appender on the root logger, started. */
class ConsoleConfigurationTest {

    @Test
    void includingConsoleXmlPutsAStartedBatchingAppenderOnTheRootLogger() throws Exception {
        var context = new LoggerContext();
        var configurator = new JoranConfigurator();
        configurator.setContext(context);
        String config = "<configuration><include resource=\"io/wecomrelay/support/logging/console.xml\"/></configuration>";
        try {
            configurator.doConfigure(new ByteArrayInputStream(config.getBytes(StandardCharsets.UTF_8)));

            Appender<ILoggingEvent> console = context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("CONSOLE");
            assertThat(console).isInstanceOf(BatchingConsoleAppender.class);
            assertThat(console.isStarted()).isTrue();
        } finally {
            context.stop();
        }
    }
}
