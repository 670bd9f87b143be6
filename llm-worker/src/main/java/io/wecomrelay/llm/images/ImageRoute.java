package io.wecomrelay.llm.images;

import java.time.Duration;

import io.wecomrelay.schemas.bot.BotConfig;
import io.wecomrelay.schemas.bot.ReplyMode;
import io.wecomrelay.schemas.event.Channel;

/**
 * How one reply's images reach the user. A callback bot's stream shows them as {@code msg_item} on its final frame
 * (up to 10 MB each), a webhook bot gets one {@code image} message per image (up to 2 MB each), a self-built app one
 * {@code image} message per image after the responder's {@code media/upload} (up to 10 MB each), a long-connection
 * bot one {@code image} message per image after the connector's upload on the socket (up to 2 MB each): all need
 * the bytes, so the images are attached. Only a {@code response_url}, which takes Markdown and no image type, keeps
 * the image as a Markdown image, with an absolute URL, once it is known to be a JPG or PNG that can be fetched.
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
        if (mode == ReplyMode.APP_MESSAGE) {
            // apps are answered while the message is younger than the webhook reply age (AgeLimits)
            return new ImageRoute(true, settings.maxSize(), settings.webhookKeep());
        }
        if (mode.streams() && channel == Channel.LONG_CONNECTION) {
            // the connector uploads them right after the stream's finish frame, within the stream window
            return new ImageRoute(true, settings.maxWebhookSize(), settings.streamKeep());
        }
        if (mode.streams() && channel == Channel.CALLBACK) {
            return new ImageRoute(true, settings.maxSize(), settings.streamKeep());
        }
        return new ImageRoute(false, settings.maxSize(), Duration.ZERO);
    }
}
