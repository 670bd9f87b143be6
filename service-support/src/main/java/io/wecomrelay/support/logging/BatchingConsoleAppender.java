package io.wecomrelay.support.logging;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.encoder.Encoder;
import org.jspecify.annotations.Nullable;

/**
 * Writes log lines to standard output in batches: the thread that logs only queues its event; one thread encodes
 * what queued and writes it every {@code flushMillis}, all of it in one write.
 * <p>
 * Every service logs a line per message (ops need its ids). Written where it was logged, a line is a write system
 * call on that thread, often an event loop or a consumer's; through logback's {@code AsyncAppender} it is also a
 * futex wake-up of the appender's thread per line (about 3.8 system calls a line on ingress; BENCHMARKS.md section
 * 10 round 13). Queued without a signal, a line costs a queue insert, and the lines of an interval share one write.
 * <p>
 * Nothing is dropped: once {@code queueSize} lines wait, the thread that logs the next one writes them all itself,
 * the back-pressure a full {@code AsyncAppender} queue gave by blocking. A line shows up to one interval late; a
 * stopped appender (Spring Boot stops logging on shutdown) writes what is queued, a killed process loses up to one
 * interval of lines, as an {@code AsyncAppender} lost its queue.
 */
public final class BatchingConsoleAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {

    private final Queue<ILoggingEvent> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final ReentrantLock writing = new ReentrantLock();
    private final ByteArrayOutputStream batch = new ByteArrayOutputStream(16 * 1024);
    private final Supplier<OutputStream> target;

    private @Nullable Encoder<ILoggingEvent> encoder;
    private long flushMillis = 100;
    private int queueSize = 8192;
    private volatile boolean flushing;
    private @Nullable Thread flusher;

    /** Writes to {@link System#out} as it is at each write (a test's output capture sees the lines). */
    public BatchingConsoleAppender() {
        this(() -> System.out);
    }

    BatchingConsoleAppender(Supplier<OutputStream> target) {
        this.target = target;
    }

    public void setEncoder(Encoder<ILoggingEvent> encoder) {
        this.encoder = encoder;
    }

    /** How often queued lines are written; 100 ms by default. */
    public void setFlushMillis(long flushMillis) {
        this.flushMillis = flushMillis;
    }

    /** How many lines may wait before the thread that logs writes them itself; 8,192 by default. */
    public void setQueueSize(int queueSize) {
        this.queueSize = queueSize;
    }

    @Override
    public void start() {
        if (encoder == null) {
            addError("no encoder for appender " + name);
            return;
        }
        if (flushMillis <= 0 || queueSize <= 0) {
            addError("flushMillis and queueSize must be positive for appender " + name);
            return;
        }
        flushing = true;
        Thread thread = new Thread(this::flushEveryInterval, "log-flusher");
        thread.setDaemon(true);
        flusher = thread;
        super.start();
        thread.start();
    }

    @Override
    public void stop() {
        if (!isStarted()) {
            return;
        }
        super.stop();
        flushing = false;
        Thread thread = flusher;
        if (thread != null) {
            LockSupport.unpark(thread);
            try {
                thread.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        flush();
    }

    @Override
    protected void append(ILoggingEvent event) {
        // the message, thread name and MDC as they are now, not when the flusher formats the line
        event.prepareForDeferredProcessing();
        queue.add(event);
        if (queued.incrementAndGet() >= queueSize) {
            flush();
        }
    }

    private void flushEveryInterval() {
        long intervalNanos = TimeUnit.MILLISECONDS.toNanos(flushMillis);
        while (flushing) {
            LockSupport.parkNanos(this, intervalNanos);
            flush();
        }
    }

    /** Encodes and writes every queued line, in the order queued, in one write. */
    void flush() {
        writing.lock();
        try {
            ILoggingEvent event;
            while ((event = queue.poll()) != null) {
                queued.decrementAndGet();
                batch.writeBytes(encode(event));
            }
            if (batch.size() > 0) {
                OutputStream out = target.get();
                batch.writeTo(out);
                out.flush();
            }
        } catch (IOException | RuntimeException e) {
            addError("could not write log lines", e);
        } finally {
            batch.reset();
            writing.unlock();
        }
    }

    private byte[] encode(ILoggingEvent event) {
        try {
            return Objects.requireNonNull(encoder, "encoder").encode(event);
        } catch (RuntimeException e) {
            addError("could not encode a log line", e);
            return new byte[0];
        }
    }
}
