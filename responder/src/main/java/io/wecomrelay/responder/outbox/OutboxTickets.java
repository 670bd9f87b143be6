package io.wecomrelay.responder.outbox;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

import io.wecomrelay.responder.materialize.DeliveryQueue;
import io.wecomrelay.responder.materialize.DeliveryTicket;
import io.wecomrelay.schemas.bot.BotConfig;
import io.wecomrelay.schemas.bot.BotSource;
import io.wecomrelay.schemas.event.EventSerde;
import io.wecomrelay.schemas.event.RelayEvent;
import io.wecomrelay.schemas.event.ReplyChunk;

/**
 * Tickets into the bot's outbox for bots that deliver actively; none for unknown bots, none for a reply whose
 * message is too old for anyone to receive it ({@link TooOldReplies}, recorded as skipped), and none for a
 * rate-limit notice within the window of the bot's previous one ({@link RateLimitNotices}). A streaming bot of URL
 * callbacks gets a ticket for its last chunk that queues a job only when the answer is longer than the stream
 * shows: the job sends the rest to the message's response_url.
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
        Optional<BotConfig> found = bots.find(source.botId());
        if (found.isPresent() && found.get().replyMode().streams()) {
            return found.filter(bot -> continuesStream(bot, source) && !tooOld.expired(bot, source))
                    .map(bot -> ticket(bot, sourceTopic, source, true));
        }
        return found
                // before the notice check: an old notice must not take the window from a current one
                .filter(bot -> !tooOld.skip(bot, source))
                .filter(bot -> !RateLimitNotices.isNotice(source) || notices.mayQueue(bot.id(), source.streamId()))
                .map(bot -> ticket(bot, sourceTopic, source, false));
    }

    /**
     * Webhook bots and self-built apps send every answer whole, in as many messages as it takes; a streaming bot of
     * URL callbacks sends what its stream does not show to the response_url; a long-connection bot's connector sends
     * it as markdown replies after the finish frame (from the stream hash's {@code full}, no outbox job). A
     * response_url bot has one message of 20,480 bytes: its answers are cut at that limit.
     */
    @Override
    public boolean continues(RelayEvent source) {
        return bots.find(source.botId()).map(bot -> switch (bot.replyMode()) {
            case WEBHOOK, APP_MESSAGE -> true;
            // one POST of at most 20,480 bytes: a longer answer is cut, as the delivery would cut it
            case RESPONSE_URL -> false;
            case PASSIVE_STREAM, STREAM_WITH_TEMPLATE_CARD -> continuesStream(bot, source)
                    || bot.longConnection() && source instanceof ReplyChunk;
        }).orElse(false);
    }

    /**
     * Only answers continue (a rejection's text always fits its stream), and here only to a response_url: a message
     * without one has its answer cut at the stream's limit; a long-connection bot's rest is the connector's.
     */
    private static boolean continuesStream(BotConfig bot, RelayEvent source) {
        if (!(source instanceof ReplyChunk chunk) || bot.longConnection()) {
            return false;
        }
        String url = chunk.route().responseUrl();
        return url != null && !url.isBlank();
    }

    private DeliveryTicket ticket(BotConfig bot, String sourceTopic, RelayEvent source, boolean continuationOnly) {
        return new DeliveryTicket(keys.outbox(bot.id()), keys.state(source.streamId()), sourceTopic,
                json(sourceTopic, source), stateTtl, continuationOnly);
    }

    private String json(String topic, RelayEvent source) {
        byte[] bytes = serde.serialize(topic, source);
        return new String(bytes == null ? new byte[0] : bytes, StandardCharsets.UTF_8);
    }
}
