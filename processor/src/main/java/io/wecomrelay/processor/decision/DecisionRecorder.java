package io.wecomrelay.processor.decision;

import java.nio.charset.StandardCharsets;

import io.wecomrelay.schemas.event.EventHeaders;
import io.wecomrelay.schemas.event.MessageAccepted;
import io.wecomrelay.schemas.event.MessageRejected;
import io.wecomrelay.schemas.event.RelayEvent;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last step: writes the decided case as {@code message-accepted} (keyed by conversation key) or
 * {@code message-rejected} (keyed by stream id), with the input's headers, the trace context of the decision
 * ({@link DecisionTrace}) and the {@code event-type} header of the new event. Logs ids and coordinates, never the
 * message body.
 */
public final class DecisionRecorder implements Processor<String, Case, String, RelayEvent> {

    private static final Logger log = LoggerFactory.getLogger(DecisionRecorder.class);

    private final DecisionListener listener;
    private final DecisionTrace trace;
    private ProcessorContext<String, RelayEvent> context;

    public DecisionRecorder(DecisionListener listener) {
        this(listener, DecisionTrace.NONE);
    }

    public DecisionRecorder(DecisionListener listener, DecisionTrace trace) {
        this.listener = listener;
        this.trace = trace;
    }

    @Override
    public void init(ProcessorContext<String, RelayEvent> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, Case> record) {
        Case decided = record.value();
        RelayEvent event = Decisions.toEvent(decided, record.timestamp());
        Headers headers = headers(record.headers(), event);
        try (var scope = trace.decided(headers, event, record.timestamp())) {
            context.forward(record.withKey(Decisions.key(event)).withValue(event).withHeaders(headers));
            listener.onDecision(decided);
            logDecision(decided, event);
        }
    }

    private static Headers headers(Headers input, RelayEvent event) {
        var headers = new RecordHeaders(input.toArray());
        headers.remove(EventHeaders.EVENT_TYPE);
        headers.add(EventHeaders.EVENT_TYPE, typeOf(event).getBytes(StandardCharsets.UTF_8));
        return headers;
    }

    private static String typeOf(RelayEvent event) {
        return event instanceof MessageAccepted ? MessageAccepted.TYPE : MessageRejected.TYPE;
    }

    private void logDecision(Case decided, RelayEvent event) {
        Ruling ruling = decided.ruling();
        String coordinates = context.recordMetadata().map(DecisionRecorder::format).orElse("-");
        if (ruling != null && !ruling.accepted()) {
            log.info("rejected reason={} rule={} botId={} msgId={} streamId={} eventId={} traceId={} at={}",
                    ruling.reason(), ruling.rule(), event.botId(), decided.received().message().msgId(),
                    event.streamId(), event.meta().eventId(), event.meta().traceId(), coordinates);
        } else if (log.isDebugEnabled()) {
            log.debug("accepted botId={} msgId={} streamId={} eventId={} traceId={} at={}", event.botId(),
                    decided.received().message().msgId(), event.streamId(), event.meta().eventId(),
                    event.meta().traceId(), coordinates);
        }
    }

    private static String format(RecordMetadata metadata) {
        return metadata.topic() + "-" + metadata.partition() + "@" + metadata.offset();
    }
}
