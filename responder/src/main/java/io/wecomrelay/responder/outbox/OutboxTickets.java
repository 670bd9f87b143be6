package io.wecomrelay.responder.outbox;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

import io.wecomrelay.responder.materialize.DeliveryQueue;
import io.wecomrelay.responder.materialize.DeliveryTicket;
import io.wecomrelay.schemas.bot.BotSource;
import io.wecomrelay.schemas.event.EventSerde;
import io.wecomrelay.schemas.event.RelayEvent;

/**
 * Tickets into the bot's outbox for bots that deliver actively; none for streaming or unknown bots, none for
 * a reply whose message is too old for anyone to receive it ({@link TooOldReplies}, recorded as skipped), and
 * none for a rate-limit notice within the window of the bot's previous one ({@link RateLimitNotices}).
 */
public final class OutboxTickets implements DeliveryQueue {

    private final BotSource bots;
    private final OutboxKeys keys;
    private final Duration stateTtl;
    private final RateLimitNotices notices;
    private final TooOldReplies tooOld;
    private final EventSerde<RelayEvent> serde = EventSerde.any();

    public OutboxTickets(BotSource bots, OutboxKeys keys, Duration stateTtl, RateLimitNotices notices,
                         TooOldReplies tooOld) {
        this.bots = bots;
        this.keys = keys;
        this.stateTtl = stateTtl;
        this.notices = notices;
        this.tooOld = tooOld;
    }

    @Override
    public Optional<DeliveryTicket> ticketFor(String sourceTopic, RelayEvent source) {
        return bots.find(source.botId())
                .filter(bot -> !bot.replyMode().streams())
                // before the notice check: an old notice must not take the window from a current one
                .filter(bot -> !tooOld.skip(bot, source))
                .filter(bot -> !RateLimitNotices.isNotice(source) || notices.mayQueue(bot.id(), source.streamId()))
                .map(bot -> new DeliveryTicket(keys.outbox(bot.id()), keys.state(source.streamId()), sourceTopic,
                        json(sourceTopic, source), stateTtl));
    }

    private String json(String topic, RelayEvent source) {
        byte[] bytes = serde.serialize(topic, source);
        return new String(bytes == null ? new byte[0] : bytes, StandardCharsets.UTF_8);
    }
}
