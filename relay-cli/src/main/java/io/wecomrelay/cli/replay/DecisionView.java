package io.wecomrelay.cli.replay;

import java.time.Instant;

import io.wecomrelay.schemas.event.Decision;
import io.wecomrelay.schemas.event.EventMeta;
import io.wecomrelay.schemas.event.EventSerde;
import io.wecomrelay.schemas.event.MessageAccepted;
import io.wecomrelay.schemas.event.MessageRejected;
import io.wecomrelay.schemas.event.RejectReason;
import io.wecomrelay.schemas.event.RelayEvent;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.util.JsonRecyclerPools;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectReader;

/**
 * The fields of a decision event the comparison reads, picked from the token stream of the events' own mapper: its
 * meta, decision and reason are bound with that mapper (so they are read and checked as the full event's are), its
 * plain strings taken as they come, and everything else - the inbound message, most of a decision's bytes - skipped
 * without building anything: a decision is read twice per inbound record, once recorded and once replayed.
 * {@code type} tells an acceptance from a rejection; a record that is neither, or lacks a field its event requires
 * here, is not a decision ({@link #read} gives null). A field given twice counts with its last value, as in binding.
 */
final class DecisionView {

    // fields of the value being read: the rest of the value follows them
    private static final ObjectReader META = field(EventMeta.class);
    private static final ObjectReader DECISION = field(Decision.class);
    private static final ObjectReader REASON = field(RejectReason.class);
    /**
     * The events' token stream factory with a buffer recycler per thread: the default pool is one deque all the
     * replay's threads contend on for every decision read. Parsers are made without a mapper's context (the mapper
     * would make one per parser); the fields bound above bind with their readers' own.
     */
    private static final JsonFactory PARSERS = ((JsonFactory) EventSerde.mapper().tokenStreamFactory()).rebuild()
            .recyclerPool(JsonRecyclerPools.threadLocalPool()).build();

    private @Nullable String type;
    private @Nullable EventMeta meta;
    private @Nullable String botId;
    private @Nullable String streamId;
    private @Nullable String conversationKey;
    private @Nullable RejectReason reason;
    private @Nullable String detail;
    private @Nullable Decision decision;

    private DecisionView() {
    }

    private static ObjectReader field(Class<?> type) {
        return EventSerde.mapper().readerFor(type).without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    /** The decision in {@code value}, or null when it is not one this version reads. */
    static @Nullable Decided read(byte @Nullable [] value) {
        if (value == null) {
            return null;
        }
        try (JsonParser parser = PARSERS.createParser(ObjectReadContext.empty(), value)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            var view = new DecisionView();
            while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                String name = parser.currentName();
                parser.nextToken();
                view.take(name, parser);
            }
            // the whole value must be one well-formed object, as for binding
            return parser.nextToken() == null ? view.decided() : null;
        } catch (JacksonException | IllegalArgumentException | NullPointerException e) {
            return null;
        }
    }

    /**
     * The decision {@code event} is, as {@link #read} gives it from the event's JSON (the same fields, the same
     * checks), or null when it is not one: for decisions taken from the replay's own topology, never written as JSON.
     */
    static @Nullable Decided of(@Nullable RelayEvent event) {
        var view = new DecisionView();
        if (event instanceof MessageAccepted accepted) {
            view.type = MessageAccepted.TYPE;
            view.conversationKey = accepted.conversationKey();
            view.decision = accepted.decision();
        } else if (event instanceof MessageRejected rejected) {
            view.type = MessageRejected.TYPE;
            view.reason = rejected.reason();
            view.detail = rejected.detail();
            view.decision = rejected.decision();
        } else {
            return null;
        }
        view.meta = event.meta();
        view.botId = event.botId();
        view.streamId = event.streamId();
        return view.decided();
    }

    /** Reads the value of field {@code name} (the parser is on its first token); throws when it cannot be one. */
    private void take(String name, JsonParser parser) {
        switch (name) {
            case "type" -> type = text(parser);
            case "botId" -> botId = text(parser);
            case "streamId" -> streamId = text(parser);
            case "conversationKey" -> conversationKey = text(parser);
            case "detail" -> detail = text(parser);
            case "meta" -> meta = parser.hasToken(JsonToken.VALUE_NULL) ? null : META.readValue(parser);
            case "decision" -> decision = parser.hasToken(JsonToken.VALUE_NULL) ? null : DECISION.readValue(parser);
            case "reason" -> reason = reason(parser);
            default -> parser.skipChildren();
        }
    }

    /** A string field: a string, null, or a scalar's text (as binding a String reads them); not an object or array. */
    private static @Nullable String text(JsonParser parser) {
        JsonToken token = parser.currentToken();
        if (token == JsonToken.VALUE_STRING) {
            return parser.getString();
        }
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        if (token.isScalarValue()) {
            return parser.getString();
        }
        throw new IllegalArgumentException("not a string");
    }

    private static @Nullable RejectReason reason(JsonParser parser) {
        if (parser.hasToken(JsonToken.VALUE_STRING)) {
            return RejectReason.valueOf(parser.getString());
        }
        return parser.hasToken(JsonToken.VALUE_NULL) ? null : REASON.readValue(parser);
    }

    private @Nullable Decided decided() {
        if (meta == null || botId == null || streamId == null || decision == null) {
            return null;
        }
        String link = Verdict.link(streamId, meta.occurredAt().toEpochMilli(), meta.traceId());
        if (MessageAccepted.TYPE.equals(type) && conversationKey != null) {
            return new Decided(meta.occurredAt(), botId, streamId, new Verdict(link, decision.policyVersion(),
                    "accepted rule=" + decision.rule() + " policy=" + decision.policyVersion() + " conversation="
                            + conversationKey));
        }
        if (MessageRejected.TYPE.equals(type) && reason != null && detail != null) {
            return new Decided(meta.occurredAt(), botId, streamId, new Verdict(link, decision.policyVersion(), "rejected "
                    + reason + " rule=" + decision.rule() + " policy=" + decision.policyVersion() + " detail=" + detail));
        }
        return null;
    }

    /** A decision: when (its input's record time), whose, and what. */
    record Decided(Instant at, String botId, String streamId, Verdict verdict) {
    }
}
