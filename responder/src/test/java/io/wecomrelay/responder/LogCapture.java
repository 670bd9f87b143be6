package io.wecomrelay.responder;

import java.util.List;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

/**
 * Everything logged at INFO and above (as in production) while it is open, messages and stack traces
 * (causes and suppressed exceptions included) as text.
 */
public final class LogCapture implements AutoCloseable {

    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final Level rootLevel = root.getLevel();
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    public LogCapture() {
        appender.setContext((LoggerContext) LoggerFactory.getILoggerFactory());
        appender.start();
        root.addAppender(appender);
        root.setLevel(Level.INFO);
    }

    /** Each event's message, with its stack trace when it has one. */
    public List<String> lines() {
        List<ILoggingEvent> events;
        synchronized (appender) { // AppenderBase appends under the appender's lock
            events = List.copyOf(appender.list);
        }
        return events.stream()
                .map(event -> event.getFormattedMessage()
                        + (event.getThrowableProxy() == null ? "" : "\n" + ThrowableProxyUtil.asString(event.getThrowableProxy())))
                .toList();
    }

    @Override
    public void close() {
        root.detachAppender(appender);
        root.setLevel(rootLevel);
        appender.stop();
    }
}
