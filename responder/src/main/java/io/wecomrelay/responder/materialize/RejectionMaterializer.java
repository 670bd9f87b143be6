package io.wecomrelay.responder.materialize;

import java.util.List;
import java.util.Locale;

import io.micrometer.core.instrument.MeterRegistry;
import io.wecomrelay.responder.tracing.ResponderTraces;
import io.wecomrelay.schemas.event.MessageRejected;
import io.wecomrelay.schemas.event.RejectReason;
import io.wecomrelay.schemas.event.RelayEvent;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.kafka.listener.MessageListener;

/**
 * Consumes {@code wecom.rejected}: every rejection but {@link RejectReason#DUPLICATE} becomes a finished
 * stream with the bot's text for the reason (never overwriting a stream that already has chunks). A
 * duplicate never touches Redis: the original message's stream is answered by its own reply. The stream's reply
 * record ({@link ReplyRecords}) is kept and, for a bot that delivers actively, the rejection text queued for
 * delivery in the same atomic step; the record is published without waiting for the broker, and swept when it
 * was not ({@link ReplySweep}).
 */
public final class RejectionMaterializer implements MessageListener<String, RelayEvent> {

    private static final Logger log = LoggerFactory.getLogger(RejectionMaterializer.class);

    private final StreamStateWriter store;
    private final DeliveryQueue queue;
    private final StreamNotices notices;
    private final ReplyRecords replies;
    private final RejectionTexts texts;
    private final MeterRegistry meters;
    private final ResponderTraces traces;

    public RejectionMaterializer(StreamStateWriter store, DeliveryQueue queue, ReplyRecords replies, RejectionTexts texts,
                                 MeterRegistry meters) {
        this(store, queue, StreamNotices.NONE, replies, texts, meters);
    }

    public RejectionMaterializer(StreamStateWriter store, DeliveryQueue queue, StreamNotices notices,
                                 ReplyRecords replies, RejectionTexts texts, MeterRegistry meters) {
        this(store, queue, notices, replies, texts, meters, ResponderTraces.noop());
    }

    public RejectionMaterializer(StreamStateWriter store, DeliveryQueue queue, StreamNotices notices,
                                 ReplyRecords replies, RejectionTexts texts, MeterRegistry meters, ResponderTraces traces) {
        this.traces = traces;
        this.store = store;
        this.queue = queue;
        this.notices = notices;
        this.replies = replies;
        this.texts = texts;
        this.meters = meters;
    }

    @Override
    public void onMessage(ConsumerRecord<String, RelayEvent> record) {
        if (!(record.value() instanceof MessageRejected rejection)) {
            throw new UnexpectedEventException(record.topic(), record.value() == null ? Void.class : record.value().getClass());
        }
        try (var trace = traces.rejected(record, rejection)) {
            materialize(record, rejection);
        }
    }

    private void materialize(ConsumerRecord<String, RelayEvent> record, MessageRejected rejection) {
        String reason = rejection.reason().name().toLowerCase(Locale.ROOT);
        if (rejection.reason() == RejectReason.DUPLICATE) {
            meters.counter("relay.responder.rejections", "reason", reason, "status", "ignored").increment();
            log.debug("duplicate left alone streamId={} msgId={}", rejection.streamId(), rejection.message().msgId());
            return;
        }
        if (rejection.message().isEvent()) {
            // ingress answered the event itself (welcome, card, feedback) and opened no stream for it
            meters.counter("relay.responder.rejections", "reason", reason, "status", "event").increment();
            log.debug("event rejection left alone streamId={} eventType={}", rejection.streamId(), rejection.message().eventType());
            return;
        }
        String text = texts.of(rejection);
        FoldResult result = store.reject(rejection, text, replies.draft(rejection, texts.cut(rejection, text)),
                queue.ticketFor(record.topic(), rejection).orElse(null));
        meters.counter("relay.responder.rejections", "reason", reason,
                "status", result.status().name().toLowerCase(Locale.ROOT)).increment();
        if (result.finishedNow()) {
            notices.changed(rejection, record.headers());
        }
        if (result.reply() != null) {
            replies.recordSoon(List.of(result.reply()));
        }
        log.info("rejection streamId={} botId={} reason={} status={} queued={}", rejection.streamId(),
                rejection.botId(), reason, result.status(), result.queued());
    }
}
