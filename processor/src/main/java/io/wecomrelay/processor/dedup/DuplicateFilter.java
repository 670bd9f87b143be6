package io.wecomrelay.processor.dedup;

import java.time.Duration;
import java.time.Instant;

import io.wecomrelay.processor.decision.Case;
import io.wecomrelay.processor.decision.Ruling;
import io.wecomrelay.schemas.event.MessageReceived;
import io.wecomrelay.schemas.event.RejectReason;
import io.wecomrelay.schemas.ids.StreamIds;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.jspecify.annotations.Nullable;

/**
 * Rejects a repeat of (bot id, msgid) seen within the retention. Every message is remembered,
 * whatever later rules decide, so a retry of a rejected message is a duplicate too. The first sighting
 * is kept (a retry does not extend the retention). Times are record timestamps; a retry stamped
 * earlier than the original (clock skew between ingress instances) is still found.
 */
final class DuplicateFilter implements FixedKeyProcessor<String, Case, Case> {

    private final long retentionMs;
    private FixedKeyProcessorContext<String, Case> context;
    private WindowStore<String, Long> firstSeen;

    DuplicateFilter(Duration retention) {
        this.retentionMs = retention.toMillis();
    }

    @Override
    public void init(FixedKeyProcessorContext<String, Case> context) {
        this.context = context;
        this.firstSeen = context.getStateStore(Dedup.STORE);
    }

    @Override
    public void process(FixedKeyRecord<String, Case> record) {
        Case pending = record.value();
        if (pending.decided()) {
            context.forward(record);
            return;
        }
        MessageReceived received = pending.received();
        String key = StreamIds.of(received.botId(), received.message().msgId());
        long timestamp = record.timestamp();
        Long seenAt = seenWithinRetention(key, timestamp);
        if (seenAt == null) {
            firstSeen.put(key, timestamp, timestamp);
            context.forward(record);
        } else {
            context.forward(record.withValue(pending.decide(Ruling.reject(RejectReason.DUPLICATE, Dedup.RULE,
                    "msgid first seen at " + Instant.ofEpochMilli(seenAt)))));
        }
    }

    private @Nullable Long seenWithinRetention(String key, long timestamp) {
        try (WindowStoreIterator<Long> hits = firstSeen.fetch(key, Math.max(0, timestamp - retentionMs + 1), timestamp + retentionMs - 1)) {
            return hits.hasNext() ? hits.next().value : null;
        }
    }
}
