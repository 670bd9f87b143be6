package io.wecomrelay.schemas.event;

import java.time.Instant;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * One attempt to deliver (part of) a reply actively, for auditors. Topic {@code wecom.deliveries},
 * keyed by stream id.
 *
 * @param part    1-based index of the part (webhook replies are split at 4,096 bytes)
 * @param parts   number of parts of the whole reply
 * @param attempt 1-based attempt number for this part
 * @param errcode WeCom's errcode when it answered, otherwise null
 * @param detail  a secret-free explanation (never the reply text or a URL)
 * @param reason  why the reply was not delivered; set on {@link DeliveryOutcome#FAILED} and
 *                {@link DeliveryOutcome#SKIPPED} records only (records written before it existed have none)
 * @param receivedAt when ingress accepted the message, as the responder measured the reply's age from; null
 *                when unknown (records written before it existed)
 * @param policyVersion the hash of the bot settings the responder delivered under ({@code BotConfig#policyVersion()},
 *                as the processor records on its decisions); null on records written before it existed
 */
public record DeliveryRecorded(EventMeta meta, String botId, String streamId, DeliveryChannel channel,
                               int part, int parts, int attempt, DeliveryOutcome outcome,
                               @Nullable Integer errcode, String detail, @Nullable DeliveryFailure reason,
                               @Nullable Instant receivedAt, @Nullable String policyVersion)
        implements RelayEvent {

    public static final String TYPE = "delivery-recorded.v1";

    public DeliveryRecorded {
        Objects.requireNonNull(meta, "meta");
        Objects.requireNonNull(botId, "botId");
        Objects.requireNonNull(streamId, "streamId");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(detail, "detail");
        if (part < 1 || parts < part || attempt < 1) {
            throw new IllegalArgumentException("part/parts/attempt out of range: " + part + "/" + parts + "/" + attempt);
        }
        // FAILED records written before the reason existed have none; a SKIPPED one always says why
        if (reason != null && outcome != DeliveryOutcome.FAILED && outcome != DeliveryOutcome.SKIPPED) {
            throw new IllegalArgumentException("only a FAILED or SKIPPED delivery has a reason");
        }
        if (reason == null && outcome == DeliveryOutcome.SKIPPED) {
            throw new IllegalArgumentException("a SKIPPED delivery has a reason");
        }
    }

    /** A record without the policy version (tools and tests that build events directly). */
    public DeliveryRecorded(EventMeta meta, String botId, String streamId, DeliveryChannel channel, int part, int parts,
                            int attempt, DeliveryOutcome outcome, @Nullable Integer errcode, String detail,
                            @Nullable DeliveryFailure reason, @Nullable Instant receivedAt) {
        this(meta, botId, streamId, channel, part, parts, attempt, outcome, errcode, detail, reason, receivedAt, null);
    }

    /** An attempt that did not fail for good: no reason. */
    public DeliveryRecorded(EventMeta meta, String botId, String streamId, DeliveryChannel channel, int part, int parts,
                            int attempt, DeliveryOutcome outcome, @Nullable Integer errcode, String detail) {
        this(meta, botId, streamId, channel, part, parts, attempt, outcome, errcode, detail, null, null, null);
    }

    @Override
    public Instant messageReceivedAt() {
        return receivedAt != null ? receivedAt : meta.occurredAt();
    }
}
