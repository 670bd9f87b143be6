package io.wecomrelay.cli.trail;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.wecomrelay.cli.output.Rows;
import io.wecomrelay.schemas.event.DeliveryRecorded;
import io.wecomrelay.schemas.event.InboundMessage;
import io.wecomrelay.schemas.event.MessageAccepted;
import io.wecomrelay.schemas.event.MessageReceived;
import io.wecomrelay.schemas.event.MessageRejected;
import io.wecomrelay.schemas.event.RelayEvent;
import io.wecomrelay.schemas.event.ReplyChannel;
import io.wecomrelay.schemas.event.ReplyChunk;
import io.wecomrelay.schemas.event.ReplyRecorded;
import io.wecomrelay.schemas.event.StreamChanged;
import org.jspecify.annotations.Nullable;

/**
 * Everything the topics hold about one reply stream (one (bot, msgid)): the receipts (a WeCom retry is a second
 * one), the decisions, the chunks, the final reply record, the delivery attempts and the long connection's notices.
 * The final reply is the stream's record on {@code wecom.replies} (what WeCom was shown or sent; kept as long as the
 * messages, while the chunks are kept a week); for a stream without one (finished before the record existed, or
 * still open) it is folded from the chunks.
 * <p>
 * A record whose type and event id were read before is a copy and is left out: the responder writes a stream's reply
 * record a second time, with the same event id, when a last chunk is redelivered after its reply key expired, and
 * that copy may be folded from part of the stream only. The topics are read in offset order, so the first one read is
 * kept. Every hop names the event's {@code type} (its schema version) and the policy version the writer applied.
 */
public final class StreamLife {

    /** One step of the life, ready to print. */
    public record Hop(Instant at, String hop, String detail, String where, Map<String, @Nullable Object> fields) {
    }

    private final String streamId;
    private final List<Located> received = new ArrayList<>();
    private final List<Located> decisions = new ArrayList<>();
    private final List<ReplyChunk> chunks = new ArrayList<>();
    private final List<Located> replies = new ArrayList<>();
    private final List<Located> deliveries = new ArrayList<>();
    private final List<Located> notices = new ArrayList<>();
    private final Set<Map.Entry<Class<?>, UUID>> eventIds = new HashSet<>();

    public StreamLife(String streamId) {
        this.streamId = streamId;
    }

    public String streamId() {
        return streamId;
    }

    public void add(Located located) {
        RelayEvent event = located.event();
        if (!eventIds.add(Map.entry(event.getClass(), event.meta().eventId()))) {
            return;
        }
        if (event instanceof MessageReceived) {
            received.add(located);
        } else if (event instanceof MessageAccepted || event instanceof MessageRejected) {
            decisions.add(located);
        } else if (event instanceof ReplyChunk chunk) {
            chunks.add(chunk);
        } else if (event instanceof ReplyRecorded) {
            replies.add(located);
        } else if (event instanceof DeliveryRecorded) {
            deliveries.add(located);
        } else if (event instanceof StreamChanged) {
            notices.add(located);
        }
    }

    /** The first receipt, or null when only later hops were found (the message is older than the range). */
    public @Nullable MessageReceived firstReceipt() {
        return received.stream().min(Comparator.comparing(Located::at)).map(l -> (MessageReceived) l.event()).orElse(null);
    }

    /** When the stream began: its first receipt, or its earliest hop. */
    public Instant startedAt() {
        return hops(false).stream().map(Hop::at).min(Comparator.naturalOrder()).orElse(Instant.EPOCH);
    }

    public boolean isEmpty() {
        return received.isEmpty() && decisions.isEmpty() && chunks.isEmpty() && replies.isEmpty() && deliveries.isEmpty()
                && notices.isEmpty();
    }

    /**
     * The hops in time order. {@code everyChunk}: each chunk and notice on its own (one message's life); otherwise one
     * line for the final reply (a transcript).
     */
    public List<Hop> hops(boolean everyChunk) {
        var hops = new ArrayList<Hop>();
        received.forEach(l -> hops.add(receipt(l)));
        decisions.forEach(l -> hops.add(decision(l)));
        if (everyChunk) {
            chunks.stream().sorted(Comparator.comparingInt(ReplyChunk::attempt).thenComparingLong(ReplyChunk::seq))
                    .forEach(chunk -> hops.add(new Hop(chunk.meta().occurredAt(), "chunk",
                            "attempt " + chunk.attempt() + " seq " + chunk.seq() + (chunk.last() ? " last" : "") + ", "
                                    + chunk.text().length() + " chars", "wecom.chunks", fields(chunk))));
        }
        FinalReply reply = FinalReply.fold(chunks);
        if (!replies.isEmpty()) {
            // copies of one record have its event id and were left out when added
            hops.add(recorded(replies.get(0)));
        } else if (reply != null) {
            Map<String, @Nullable Object> fields = Rows.row();
            fields.put("text", reply.text());
            fields.put("state", reply.state());
            fields.put("attempt", reply.attempt());
            fields.put("chunks", reply.chunks());
            fields.put("errorCode", reply.error() == null ? null : reply.error().code());
            fields.put("errorDetail", reply.error() == null ? null : reply.error().detail());
            fields.put("from", "wecom.chunks");
            fields.put("type", ReplyChunk.TYPE);
            fields.put("policyVersion", chunks.stream().filter(chunk -> chunk.attempt() == reply.attempt())
                    .max(Comparator.comparingLong(ReplyChunk::seq)).map(ReplyChunk::policyVersion).orElse(null));
            hops.add(new Hop(reply.lastAt(), "reply", reply.state() + ": " + reply.text(), "wecom.chunks", fields));
        }
        deliveries.forEach(l -> hops.add(delivery(l)));
        if (everyChunk) {
            notices.forEach(l -> hops.add(new Hop(l.at(), "stream-changed", "notice to the connector", l.coordinates(),
                    written(l.event()))));
        } else if (!notices.isEmpty()) {
            Located last = notices.stream().max(Comparator.comparing(Located::at)).orElseThrow();
            hops.add(new Hop(last.at(), "pushed", notices.size() + " stream-changed notices to the connector",
                    last.coordinates(), written(last.event())));
        }
        hops.sort(Comparator.comparing(Hop::at));
        return hops;
    }

    private static Hop receipt(Located located) {
        MessageReceived event = (MessageReceived) located.event();
        InboundMessage message = event.message();
        String text = MessageText.of(message);
        Map<String, @Nullable Object> fields = written(event);
        fields.put("msgId", message.msgId());
        fields.put("msgType", message.msgType());
        fields.put("userId", message.userId());
        fields.put("chatId", message.chatId());
        fields.put("channel", message.channel().wireName());
        fields.put("traceId", event.meta().traceId());
        fields.put("text", text);
        String who = message.userId() + (message.chatId() == null ? "" : " in " + message.chatId());
        return new Hop(located.at(), "received", message.msgType() + " from " + who + ": " + text, located.coordinates(), fields);
    }

    private static Hop decision(Located located) {
        Map<String, @Nullable Object> fields = written(located.event());
        if (located.event() instanceof MessageAccepted accepted) {
            fields.put("rule", accepted.decision().rule());
            fields.put("conversationKey", accepted.conversationKey());
            return new Hop(located.at(), "accepted", "rule " + accepted.decision().rule() + ", policy "
                    + accepted.decision().policyVersion(), located.coordinates(), fields);
        }
        MessageRejected rejected = (MessageRejected) located.event();
        fields.put("reason", rejected.reason().name());
        fields.put("rule", rejected.decision().rule());
        fields.put("detail", rejected.detail());
        return new Hop(located.at(), "rejected", rejected.reason() + " (" + rejected.decision().rule() + "): "
                + rejected.detail() + ", policy " + rejected.decision().policyVersion(), located.coordinates(), fields);
    }

    /** The final reply as the responder recorded it: what WeCom was shown (a passive stream) or sent, and when. */
    private static Hop recorded(Located located) {
        ReplyRecorded reply = (ReplyRecorded) located.event();
        String state = switch (reply.finish()) {
            case FINISHED -> "finished";
            case FAILED -> "error " + reply.errorCode();
            case REJECTED -> "rejected " + reply.rejectReason();
        };
        String how = reply.channel() == ReplyChannel.STREAM ? "shown in the stream" : "sent by " + reply.channel();
        Map<String, @Nullable Object> fields = written(reply);
        fields.put("text", reply.text());
        fields.put("state", state);
        fields.put("channel", reply.channel().name());
        fields.put("finishedAt", reply.finishedAt().toString());
        fields.put("truncated", reply.truncated());
        fields.put("errorCode", reply.errorCode());
        fields.put("errorDetail", reply.errorDetail());
        fields.put("rejectReason", reply.rejectReason() == null ? null : reply.rejectReason().name());
        fields.put("from", "wecom.replies");
        return new Hop(reply.finishedAt(), "reply", state + ", " + how + (reply.truncated() ? " (cut)" : "") + ", policy "
                + reply.policyVersion() + ": " + reply.text(), located.coordinates(), fields);
    }

    private static Hop delivery(Located located) {
        DeliveryRecorded delivery = (DeliveryRecorded) located.event();
        Map<String, @Nullable Object> fields = written(delivery);
        fields.put("channel", delivery.channel().name());
        fields.put("part", delivery.part());
        fields.put("parts", delivery.parts());
        fields.put("attempt", delivery.attempt());
        fields.put("outcome", delivery.outcome().name());
        fields.put("errcode", delivery.errcode());
        fields.put("reason", delivery.reason() == null ? null : delivery.reason().name());
        fields.put("detail", delivery.detail());
        String detail = delivery.channel() + " part " + delivery.part() + "/" + delivery.parts() + " attempt "
                + delivery.attempt() + ": " + delivery.outcome()
                + (delivery.errcode() == null ? "" : " errcode " + delivery.errcode())
                + (delivery.reason() == null ? "" : " " + delivery.reason()) + " " + delivery.detail();
        return new Hop(located.at(), "delivery", detail, located.coordinates(), fields);
    }

    /** What every event says of how it was written: its type (with the schema version) and the policy version. */
    private static Map<String, @Nullable Object> written(RelayEvent event) {
        Map<String, @Nullable Object> fields = Rows.row();
        fields.put("type", EventTypes.of(event));
        fields.put("policyVersion", event.policyVersion());
        return fields;
    }

    private static Map<String, @Nullable Object> fields(ReplyChunk chunk) {
        Map<String, @Nullable Object> fields = written(chunk);
        fields.put("attempt", chunk.attempt());
        fields.put("seq", chunk.seq());
        fields.put("last", chunk.last());
        fields.put("text", chunk.text());
        return fields;
    }
}
