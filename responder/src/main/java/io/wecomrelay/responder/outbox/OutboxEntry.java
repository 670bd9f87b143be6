package io.wecomrelay.responder.outbox;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

import io.wecomrelay.responder.delivery.FinishedReply;
import io.wecomrelay.schemas.bot.BotConfig;
import io.wecomrelay.schemas.event.EventSerde;
import io.wecomrelay.schemas.event.MessageRejected;
import io.wecomrelay.schemas.event.RelayEvent;
import io.wecomrelay.schemas.event.ReplyChunk;
import io.wecomrelay.schemas.event.ReplyRoute;

/**
 * One delivery job as the fold scripts append it: fields {@code streamId}, {@code content} (the final
 * stream content), {@code created} (epoch ms of the message's arrival, for response_url expiry),
 * {@code sourceTopic} and {@code source} (the JSON of the event that finished the stream).
 *
 * @param id the Redis Stream entry id
 */
record OutboxEntry(String id, Map<String, String> fields) {

    private static final EventSerde<RelayEvent> SERDE = EventSerde.any();

    OutboxEntry {
        Objects.requireNonNull(id, "id");
        fields = Map.copyOf(fields);
    }

    // the fields hold the reply's content and the source event's JSON (its text and response_url)
    @Override
    public String toString() {
        return "OutboxEntry[id=" + id + ", streamId=" + fields.get("streamId") + ", fields=" + fields.size() + "]";
    }

    /**
     * The reply to deliver under {@code bot}'s settings; an {@link IllegalArgumentException} when the entry cannot
     * be read.
     */
    FinishedReply reply(BotConfig bot) {
        String sourceTopic = field("sourceTopic");
        RelayEvent source;
        try {
            source = SERDE.deserialize(sourceTopic, field("source").getBytes(StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("unreadable source event: " + e.getClass().getSimpleName(), e);
        }
        if (source == null) {
            throw new IllegalArgumentException("empty source event");
        }
        return new FinishedReply(source.botId(), source.streamId(), source.meta().traceId(), field("content"), route(source),
                created(), sourceTopic, source, bot.policyVersion());
    }

    private static ReplyRoute route(RelayEvent source) {
        if (source instanceof ReplyChunk chunk) {
            return chunk.route();
        }
        if (source instanceof MessageRejected rejection) {
            return ReplyRoute.of(rejection.message());
        }
        throw new IllegalArgumentException("source is a " + source.getClass().getSimpleName());
    }

    private Instant created() {
        try {
            return Instant.ofEpochMilli(Long.parseLong(field("created")));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("created is not epoch millis", e);
        }
    }

    private String field(String name) {
        String value = fields.get(name);
        if (value == null) {
            throw new IllegalArgumentException("no field " + name);
        }
        return value;
    }
}
