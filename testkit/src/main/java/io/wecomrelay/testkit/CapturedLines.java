package io.wecomrelay.testkit;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

/**
 * The lines logged under a logger, each with the trace id of its log context (the MDC key {@code traceId}) read as it
 * is logged: the MDC is the logging thread's, and Logback reads it lazily. Attach it after the service started (Boot's
 * logging system resets the appenders as it starts).
 */
public final class CapturedLines extends AppenderBase<ILoggingEvent> {

    /** A line's message and its trace id ({@code "null"} without one). */
    public record Line(String message, String traceId) {
    }

    private final String loggerName;
    private final List<Line> lines = new CopyOnWriteArrayList<>();

    private CapturedLines(String loggerName) {
        this.loggerName = loggerName;
    }

    /** Starts capturing what {@code loggerName} and the loggers under it log. */
    public static CapturedLines attachTo(String loggerName) {
        var captured = new CapturedLines(loggerName);
        captured.start();
        ((Logger) LoggerFactory.getLogger(loggerName)).addAppender(captured);
        return captured;
    }

    public void detach() {
        ((Logger) LoggerFactory.getLogger(loggerName)).detachAppender(this);
    }

    /** The lines whose message contains {@code text}. */
    public List<Line> with(String text) {
        return lines.stream().filter(line -> line.message().contains(text)).toList();
    }

    @Override
    protected void append(ILoggingEvent event) {
        lines.add(new Line(event.getFormattedMessage(), String.valueOf(event.getMDCPropertyMap().get("traceId"))));
    }
}
