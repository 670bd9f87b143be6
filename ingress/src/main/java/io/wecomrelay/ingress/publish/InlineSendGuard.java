package io.wecomrelay.ingress.publish;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Says when {@code KafkaProducer.send} may run on the caller's event-loop thread. {@code send} blocks
 * (up to {@code max.block.ms}) only while it fetches metadata for a topic it has no partitions for
 * (the first send, or one after {@code metadata.max.idle.ms} without sends) and while the record
 * accumulator has no room. Neither can happen while acks keep arriving ({@code freshness}) and fewer
 * records are outstanding than the buffer holds at the largest record size ({@code maxOutstanding}),
 * so then the send is called directly; otherwise the caller moves it to a blocking-tolerant thread.
 */
final class InlineSendGuard {

    private final LongSupplier nanoTime;
    private final long freshnessNanos;
    private final int maxOutstanding;
    private final AtomicInteger outstanding = new AtomicInteger();
    private volatile long lastAckNanos;
    private volatile boolean acked;

    InlineSendGuard(LongSupplier nanoTime, Duration freshness, int maxOutstanding) {
        this.nanoTime = nanoTime;
        this.freshnessNanos = freshness.toNanos();
        this.maxOutstanding = maxOutstanding;
    }

    /** The producer's {@code buffer.memory} divided by the largest record ingress can send (at least 1). */
    static int maxOutstanding(long bufferMemoryBytes, long largestRecordBytes) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, bufferMemoryBytes / Math.max(1, largestRecordBytes)));
    }

    boolean inlineAllowed() {
        return acked && nanoTime.getAsLong() - lastAckNanos < freshnessNanos && outstanding.get() < maxOutstanding;
    }

    /** Called just before {@code send}. */
    void sending() {
        outstanding.incrementAndGet();
    }

    /** Called once per {@link #sending()}, when the broker acked ({@code true}) or the record failed. */
    void completed(boolean acknowledged) {
        outstanding.decrementAndGet();
        if (acknowledged) {
            lastAckNanos = nanoTime.getAsLong();
            acked = true;
        }
    }
}
