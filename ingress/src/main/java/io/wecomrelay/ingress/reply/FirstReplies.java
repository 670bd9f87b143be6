package io.wecomrelay.ingress.reply;

import java.util.Set;

import io.wecomrelay.schemas.bot.BotConfig;
import io.wecomrelay.schemas.event.InboundMessage;
import io.wecomrelay.schemas.wecom.reply.PassiveReply;
import io.wecomrelay.schemas.wecom.reply.StreamReply;
import io.wecomrelay.schemas.wecom.reply.StreamWithTemplateCardReply;
import io.wecomrelay.schemas.wecom.reply.TemplateCardReply;
import io.wecomrelay.schemas.wecom.reply.UpdateTemplateCardReply;
import io.wecomrelay.schemas.wecom.reply.WelcomeTextReply;
import org.jspecify.annotations.Nullable;

/** The passive reply to a callback ingress has made durable; null means an empty body. */
public final class FirstReplies {

    private static final Set<String> MESSAGE_TYPES = Set.of("text", "mixed", "image", "voice", "file", "video");

    private FirstReplies() {
    }

    public static @Nullable PassiveReply forInbound(BotConfig bot, String streamId, InboundMessage message) {
        if (message.isEvent()) {
            return switch (String.valueOf(message.eventType())) {
                case "enter_chat" -> welcome(bot);
                case "template_card_event" -> cardUpdate(bot, message);
                default -> null;
            };
        }
        if (!MESSAGE_TYPES.contains(message.msgType())) {
            return null; // published for audit; WeCom gets an empty answer, never a 5xx
        }
        return switch (bot.replyMode()) {
            case PASSIVE_STREAM -> firstFrame(bot, streamId);
            case STREAM_WITH_TEMPLATE_CARD -> new StreamWithTemplateCardReply(firstFrame(bot, streamId), bot.templateCard());
            case RESPONSE_URL, WEBHOOK, APP_MESSAGE -> null;
        };
    }

    /** The first frame carries the feedback id (the stream id), so WeCom shows like/dislike. */
    private static StreamReply firstFrame(BotConfig bot, String streamId) {
        return StreamReply.partial(streamId, bot.placeholder()).withFeedbackId(streamId);
    }

    /** Replaces the clicked card for everyone; WeCom binds the update to the event's task_id. */
    private static @Nullable PassiveReply cardUpdate(BotConfig bot, InboundMessage message) {
        if (bot.cardUpdate() == null) {
            return null;
        }
        return UpdateTemplateCardReply.forClickedCard(bot.cardUpdate(), message.body());
    }

    private static @Nullable PassiveReply welcome(BotConfig bot) {
        if (bot.welcomeCard() != null) {
            return new TemplateCardReply(bot.welcomeCard());
        }
        return bot.welcome() == null ? null : new WelcomeTextReply(bot.welcome());
    }
}
