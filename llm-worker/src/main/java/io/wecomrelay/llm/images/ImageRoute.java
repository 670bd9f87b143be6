package io.wecomrelay.llm.images;

import java.time.Duration;

import io.wecomrelay.schemas.bot.BotConfig;
import io.wecomrelay.schemas.bot.ReplyMode;
import io.wecomrelay.schemas.event.Channel;

/**
 * How one reply's images reach the user. A callback bot's stream shows them as {@code msg_item} on its final frame
 * (up to 10 MB each), a webhook bot gets one {@code image} message per image (up to 2 MB each): both need the bytes,
 * so the images are attached. A {@code response_url} takes only Markdown (no image type), the long connection's
 * {@code msg_item} is unconfirmed and self-built apps need an upload first: there the image stays a Markdown image,
 * with an absolute URL, once it is known to be a JPG or PNG that can be fetched.
 *
 * @param attach   store the bytes and send them after the text; otherwise keep a Markdown image
 * @param maxBytes the largest image of this route
 * @param keep     how long stored bytes must stay readable: until the reply can no longer be delivered
 */
record ImageRoute(boolean attach, long maxBytes, Duration keep) {

    static ImageRoute of(BotConfig bot, Channel channel, AnswerImages.Settings settings) {
        ReplyMode mode = bot.replyMode();
        if (mode == ReplyMode.WEBHOOK) {
            return new ImageRoute(true, settings.maxWebhookSize(), settings.webhookKeep());
        }
        if (mode.streams() && channel == Channel.CALLBACK) {
            return new ImageRoute(true, settings.maxSize(), settings.streamKeep());
        }
        return new ImageRoute(false, settings.maxSize(), Duration.ZERO);
    }
}
