package io.wecomrelay.responder.materialize;

import java.time.Clock;
import java.util.UUID;
import java.util.function.Supplier;

import io.micrometer.core.instrument.MeterRegistry;
import io.wecomrelay.schemas.bot.BotConfig;
import io.wecomrelay.schemas.bot.BotSource;
import io.wecomrelay.schemas.event.EventMeta;
import io.wecomrelay.schemas.event.RelayEvent;
import io.wecomrelay.schemas.event.StreamChanged;
import io.wecomrelay.schemas.topic.Topics;
import io.wecomrelay.support.tracing.TraceHeaders;
import io.wecomrelay.support.tracing.TraceLog;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * {@link StreamNotices} for bots with {@code connection: long-connection}: keyed by bot id on {@code wecom.outbound},
 * with the source record's traceparent (else one continuing the event's trace id), which the connector's reply span
 * continues.
 */
public final class LongConnectionNotices implements StreamNotices {

    private static final Logger log = LoggerFactory.getLogger(LongConnectionNotices.class);

    private final BotSource bots;
    private final KafkaTemplate<String, Object> kafka;
    private final Clock clock;
    private final Supplier<UUID> ids;
    private final MeterRegistry meters;

    public LongConnectionNotices(BotSource bots, KafkaTemplate<String, Object> kafka, Clock clock, Supplier<UUID> ids,
                                 MeterRegistry meters) {
        this.bots = bots;
        this.kafka = kafka;
        this.clock = clock;
        this.ids = ids;
        this.meters = meters;
    }

    @Override
    public void changed(RelayEvent source, Headers headers) {
        BotConfig bot = bots.find(source.botId()).orElse(null);
        if (bot == null || !bot.longConnection()) {
            return;
        }
        var notice = new StreamChanged(new EventMeta(ids.get(), source.meta().traceId(), clock.instant()),
                source.botId(), source.streamId(), bot.policyVersion());
        var record = new ProducerRecord<String, Object>(Topics.OUTBOUND.name(), source.botId(), notice);
        String traceparent = TraceHeaders.traceparent(headers);
        TraceHeaders.carry(record.headers(), traceparent, source.meta().traceId());
        kafka.send(record).whenComplete((result, error) -> {
            meters.counter("relay.responder.stream.notices", "outcome", error == null ? "sent" : "failed").increment();
            if (error != null) {
                try (var trace = TraceLog.of(traceparent)) {
                    log.warn("stream-changed notice not sent botId={} streamId={} cause={}", source.botId(),
                            source.streamId(), error.toString());
                }
            }
        });
    }
}
