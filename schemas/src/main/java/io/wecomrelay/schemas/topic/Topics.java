package io.wecomrelay.schemas.topic;

import java.time.Duration;
import java.util.List;

/** Every topic of wecom-relay. Names are lower case and contain only {@code .}, never {@code _}. */
public final class Topics {

    /** Audit topics keep 30 days by default. */
    public static final Duration LONG_RETENTION = Duration.ofDays(30);

    /** Verified, decrypted WeCom callbacks, as published by ingress after Kafka's ack. */
    public static final TopicSpec INBOUND = new TopicSpec("wecom.inbound", "bot id", 6, LONG_RETENTION, false);

    /** Messages the processor accepted; one conversation per partition key. */
    public static final TopicSpec ACCEPTED = new TopicSpec("wecom.accepted", "conversation key", 6, LONG_RETENTION, false);

    /** Messages the processor rejected, with a reason. */
    public static final TopicSpec REJECTED = new TopicSpec("wecom.rejected", "stream id", 6, LONG_RETENTION, false);

    /**
     * Numbered reply chunks from the llm-worker; one conversation per partition key, so its replies are folded,
     * and delivered actively, in the order of its messages. Records written before were keyed by stream id.
     */
    public static final TopicSpec CHUNKS = new TopicSpec("wecom.chunks", "conversation key", 6, Duration.ofDays(7), false);

    /**
     * The final reply of every finished stream ({@code reply-recorded}): what WeCom was shown or sent and how the stream
     * finished, kept as long as the messages it answers while the chunks it was folded from are not.
     */
    public static final TopicSpec REPLIES = new TopicSpec("wecom.replies", "stream id", 6, LONG_RETENTION, false);

    /** Every active delivery attempt and its outcome. */
    public static final TopicSpec DELIVERIES = new TopicSpec("wecom.deliveries", "stream id", 6, LONG_RETENTION, false);

    /**
     * Notices that a long-connection bot's reply stream changed ({@code stream-changed}), keyed by bot id. The connector
     * instances read it as one consumer group: the partitions an instance is assigned are the bots whose WebSockets it
     * holds ({@link BotPartitions}). Short retention: a notice is worth something only while its stream is open.
     */
    public static final TopicSpec OUTBOUND = new TopicSpec("wecom.outbound", "bot id", 6, Duration.ofDays(1), false);

    /** Directory-sync grants: which bots a WeCom user may use, until when. Compacted. */
    public static final TopicSpec ENTITLEMENTS = new TopicSpec("wecom.entitlements", "WeCom user id", 3, LONG_RETENTION, true);

    private Topics() {
    }

    /** All main topics (without dead-letter topics). */
    public static List<TopicSpec> all() {
        return List.of(INBOUND, ACCEPTED, REJECTED, CHUNKS, REPLIES, DELIVERIES, OUTBOUND, ENTITLEMENTS);
    }
}
