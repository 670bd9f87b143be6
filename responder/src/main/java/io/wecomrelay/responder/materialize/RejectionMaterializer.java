package io.wecomrelay.responder.materialize;

import java.util.Locale;

import io.micrometer.core.instrument.MeterRegistry;
import io.wecomrelay.responder.text.ContentCap;
import io.wecomrelay.schemas.bot.BotConfig;
import io.wecomrelay.schemas.bot.BotSource;
import io.wecomrelay.schemas.bot.DefaultTexts;
import io.wecomrelay.schemas.event.MessageRejected;
import io.wecomrelay.schemas.event.RejectReason;
import io.wecomrelay.schemas.event.RelayEvent;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import org.springframework.kafka.listener.MessageListener;

/**
 * Consumes {@code wecom.rejected}: every rejection but {@link RejectReason#DUPLICATE} becomes a finished
 * stream with the bot's text for the reason (never overwriting a stream that already has chunks). A
 * duplicate never touches Redis: the original message's stream is answered by its own reply. For a bot
 * that delivers actively the rejection text is queued for delivery in the same atomic step.
 */
public final class RejectionMaterializer implements MessageListener<String, RelayEvent> {

    private static final Logger log = LoggerFactory.getLogger(RejectionMaterializer.class);

    private final StreamStateWriter store;
    private final BotSource bots;
    private final DeliveryQueue queue;
    private final StreamNotices notices;
    private final MeterRegistry meters;
    private final int maxContentBytes;
    private final String truncatedNote;

    public RejectionMaterializer(StreamStateWriter store, BotSource bots, DeliveryQueue queue,
                                 MeterRegistry meters, int maxContentBytes, String truncatedNote) {
        this(store, bots, queue, StreamNotices.NONE, meters, maxContentBytes, truncatedNote);
    }

    public RejectionMaterializer(StreamStateWriter store, BotSource bots, DeliveryQueue queue, StreamNotices notices,
                                 MeterRegistry meters, int maxContentBytes, String truncatedNote) {
        this.store = store;
        this.bots = bots;
        this.queue = queue;
        this.notices = notices;
        this.meters = meters;
        this.maxContentBytes = maxContentBytes;
        this.truncatedNote = truncatedNote;
    }

    @Override
    public void onMessage(ConsumerRecord<String, RelayEvent> record) {
        if (!(record.value() instanceof MessageRejected rejection)) {
            throw new UnexpectedEventException(record.topic(), record.value() == null ? Void.class : record.value().getClass());
        }
        try (var trace = MDC.putCloseable("traceId", rejection.meta().traceId())) {
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
        String text = ContentCap.cap(textFor(rejection), maxContentBytes, truncatedNote);
        FoldResult result = queue.ticketFor(record.topic(), rejection)
                .map(ticket -> store.rejectAndQueue(rejection, text, ticket))
                .orElseGet(() -> store.reject(rejection, text));
        meters.counter("relay.responder.rejections", "reason", reason,
                "status", result.status().name().toLowerCase(Locale.ROOT)).increment();
        if (result.finishedNow()) {
            notices.changed(rejection);
        }
        log.info("rejection streamId={} botId={} reason={} status={} queued={}", rejection.streamId(),
                rejection.botId(), reason, result.status(), result.queued());
    }

    private String textFor(MessageRejected rejection) {
        return bots.find(rejection.botId())
                .map((BotConfig bot) -> bot.rejectionText(rejection.reason()))
                .orElseGet(() -> DefaultTexts.rejection(rejection.reason()));
    }
}
