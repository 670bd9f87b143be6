package io.wecomrelay.responder.materialize;

import io.wecomrelay.schemas.bot.BotConfig;
import io.wecomrelay.schemas.bot.BotSource;
import io.wecomrelay.schemas.bot.DefaultTexts;
import io.wecomrelay.schemas.event.MessageRejected;
import io.wecomrelay.schemas.text.ContentCap;

/**
 * What the user sees for a rejection: the bot's text for the reason (the default text for a bot the bots file does
 * not know), cut at the stream's content limit.
 *
 * @param maxContentBytes the stream's content limit
 * @param truncatedNote   appended where a text is cut
 */
public record RejectionTexts(BotSource bots, int maxContentBytes, String truncatedNote) {

    /** The text as shown; {@link #cut} tells whether it was cut. */
    public String of(MessageRejected rejection) {
        return ContentCap.cap(full(rejection), maxContentBytes, truncatedNote);
    }

    public boolean cut(MessageRejected rejection, String shown) {
        return !shown.equals(full(rejection));
    }

    private String full(MessageRejected rejection) {
        return bots.find(rejection.botId())
                .map((BotConfig bot) -> bot.rejectionText(rejection.reason()))
                .orElseGet(() -> DefaultTexts.rejection(rejection.reason()));
    }
}
