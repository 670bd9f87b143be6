package io.wecomrelay.support.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.core.status.Status;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class BatchingConsoleAppenderTest {

    private final LoggerContext context = new LoggerContext();
    private final WriteRecorder out = new WriteRecorder();

    BatchingConsoleAppenderTest() {
        // the MDC that slf4j's MDC writes to, as in the context logback sets up at start
        context.setMDCAdapter(MDC.getMDCAdapter());
    }

    @AfterEach
    void stopContext() {
        context.stop();
    }

    @Test
    void linesWaitForTheFlushAndGoOutInOneWriteInTheOrderLogged() {
        Logger log = logger(appender(TimeUnit.HOURS.toMillis(1), 100));

        log.info("first {}", 1);
        log.warn("second");
        log.info("third");
        assertThat(out.writes).isEmpty();

        context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("batched").stop();
        assertThat(out.writes).containsExactly("INFO first 1\nWARN second\nINFO third\n");
    }

    @Test
    void theLineKeepsWhatWasTrueWhenItWasLogged() {
        BatchingConsoleAppender appender = appender(TimeUnit.HOURS.toMillis(1), 100, "%level %msg [%X{streamId}]%n");
        Logger log = logger(appender);
        var mutable = new StringBuilder("before");

        MDC.put("streamId", "s-1");
        try {
            log.info("text={}", mutable);
        } finally {
            MDC.remove("streamId");
        }
        mutable.replace(0, mutable.length(), "after");

        appender.flush();
        assertThat(out.writes).containsExactly("INFO text=before [s-1]\n");
    }

    @Test
    void aFullQueueIsWrittenByTheThreadThatLogs() {
        Logger log = logger(appender(TimeUnit.HOURS.toMillis(1), 3));

        log.info("a");
        log.info("b");
        assertThat(out.writes).isEmpty();
        log.info("c");
        assertThat(out.writes).containsExactly("INFO a\nINFO b\nINFO c\n");

        log.info("d");
        assertThat(out.writes).hasSize(1);
    }

    @Test
    void theFlusherWritesWhatQueuedEveryInterval() {
        Logger log = logger(appender(20, 100));

        log.info("one");
        log.info("two");

        await().atMost(10, TimeUnit.SECONDS).until(() -> String.join("", out.writes).equals("INFO one\nINFO two\n"));
    }

    @Test
    void noEncoderNoStart() {
        var appender = new BatchingConsoleAppender(() -> out);
        appender.setContext(context);
        appender.setName("batched");

        appender.start();

        assertThat(appender.isStarted()).isFalse();
        assertThat(context.getStatusManager().getCopyOfStatusList()).extracting(Status::getMessage)
                .contains("no encoder for appender batched");
    }

    private BatchingConsoleAppender appender(long flushMillis, int queueSize) {
        return appender(flushMillis, queueSize, "%level %msg%n");
    }

    private BatchingConsoleAppender appender(long flushMillis, int queueSize, String pattern) {
        var encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(pattern);
        encoder.setCharset(StandardCharsets.UTF_8);
        encoder.start();
        var appender = new BatchingConsoleAppender(() -> out);
        appender.setContext(context);
        appender.setName("batched");
        appender.setEncoder(encoder);
        appender.setFlushMillis(flushMillis);
        appender.setQueueSize(queueSize);
        appender.start();
        return appender;
    }

    private Logger logger(BatchingConsoleAppender appender) {
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.addAppender(appender);
        return context.getLogger("test");
    }

    /** Each write call as the text it wrote. */
    private static final class WriteRecorder extends OutputStream {

        final List<String> writes = new CopyOnWriteArrayList<>();

        @Override
        public void write(int b) {
            writes.add(String.valueOf((char) b));
        }

        @Override
        public void write(byte[] b, int off, int len) {
            writes.add(new String(b, off, len, StandardCharsets.UTF_8));
        }
    }
}
