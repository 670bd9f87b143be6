package io.wecomrelay.llm.input;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import io.wecomrelay.schemas.event.ChatType;
import io.wecomrelay.schemas.event.MessageAccepted;
import io.wecomrelay.schemas.wecom.message.FeedbackEvent;
import io.wecomrelay.schemas.wecom.message.FileMessage;
import io.wecomrelay.schemas.wecom.message.ImageMessage;
import io.wecomrelay.schemas.wecom.message.MixedItem;
import io.wecomrelay.schemas.wecom.message.MixedMessage;
import io.wecomrelay.schemas.wecom.message.Quote;
import io.wecomrelay.schemas.wecom.message.TextMessage;
import io.wecomrelay.schemas.wecom.message.VideoMessage;
import io.wecomrelay.schemas.wecom.message.VoiceMessage;
import io.wecomrelay.schemas.wecom.message.WecomCallback;
import org.jspecify.annotations.Nullable;

/**
 * Turns an accepted WeCom message into an {@link Input}: text (bot mention removed), voice (WeCom's
 * transcript), image, file and video (an {@link Attachment} with the configured media-only query),
 * mixed (its text items joined, its images as attachments), and a quoted message as a Markdown block
 * quote before the user's words (quoted media appear as {@code [image]} and the like; only the
 * message's own media are passed on). A {@code feedback_event} becomes {@link Input.Feedback}. A
 * message's own media key ({@code aeskey}) is kept only for long-connection messages ({@link #channel}).
 * Pure and thread-safe.
 */
public final class Inputs {

    private final Map<String, List<String>> mentionNames;
    private final List<String> resetCommands;
    private final String mediaOnlyQuery;

    /**
     * @param mentionNames   bot display names by bot id
     * @param resetCommands  texts that start a new conversation (compared trimmed, ignoring case)
     * @param mediaOnlyQuery the query sent with media that came without any text
     */
    public Inputs(Map<String, List<String>> mentionNames, List<String> resetCommands, String mediaOnlyQuery) {
        this.mentionNames = Map.copyOf(mentionNames);
        this.resetCommands = resetCommands.stream().map(c -> c.strip().toLowerCase(Locale.ROOT)).toList();
        this.mediaOnlyQuery = mediaOnlyQuery;
    }

    public Input read(MessageAccepted accepted) {
        var message = accepted.message();
        if (message.channel() == io.wecomrelay.schemas.event.Channel.APP) {
            return AppInputs.read(message, resetCommands, mediaOnlyQuery); // a self-built app's XML elements, not AI-bot JSON
        }
        WecomCallback callback;
        try {
            callback = WecomCallback.parse(message.body());
        } catch (RuntimeException e) {
            return message.isEvent() ? new Input.Ignored("unreadable event " + message.eventType())
                    : new Input.Unsupported(message.msgType());
        }
        if (callback instanceof FeedbackEvent feedback) {
            return feedback(feedback);
        }
        if (message.isEvent()) {
            return new Input.Ignored("event " + message.eventType());
        }
        List<Attachment> attachments = attachments(callback, channel(accepted));
        String text = text(callback, accepted.botId(), message.chatType() == ChatType.GROUP);
        if (text == null || (text.isEmpty() && callback instanceof MixedMessage && attachments.isEmpty())) {
            return new Input.Unsupported(message.msgType());
        }
        if (attachments.isEmpty() && resetCommands.contains(text.toLowerCase(Locale.ROOT))) {
            return new Input.Reset();
        }
        if (text.isEmpty()) {
            if (attachments.isEmpty()) {
                return new Input.Empty();
            }
            text = mediaOnlyQuery;
        }
        Quote quote = callback.meta().quote();
        return new Input.Query(quote == null ? text : quoted(quote) + "\n\n" + text, attachments);
    }

    /** The user's words ({@code ""} for media), or null when the message has nothing the worker can use. */
    private @Nullable String text(WecomCallback callback, String botId, boolean group) {
        List<String> names = mentionNames.getOrDefault(botId, List.of());
        if (callback instanceof TextMessage text) {
            return Mentions.strip(text.content(), names, group);
        }
        if (callback instanceof VoiceMessage voice) {
            return voice.content().strip();
        }
        if (callback instanceof MixedMessage mixed) {
            return Mentions.strip(joinTexts(mixed.items()), names, group);
        }
        if (callback instanceof ImageMessage || callback instanceof FileMessage || callback instanceof VideoMessage) {
            return "";
        }
        return null;
    }

    /** How a message reached the relay; it decides whether a per-message media key may be used. */
    enum Channel {
        /** WeCom's signed HTTPS callback: media are encrypted with the bot's EncodingAESKey. */
        CALLBACK,
        /** WeCom's long connection (WebSocket): each media item carries its own {@code aeskey}. */
        LONG_CONNECTION
    }

    /**
     * The channel the message's event records: only the connector writes {@code long-connection} (ingress always
     * writes {@code callback}), so a signed callback cannot make itself a long-connection message.
     */
    static Channel channel(MessageAccepted accepted) {
        return accepted.message().channel() == io.wecomrelay.schemas.event.Channel.LONG_CONNECTION
                ? Channel.LONG_CONNECTION : Channel.CALLBACK;
    }

    /**
     * The message's own media. An {@code aeskey} in a callback message is ignored: whoever can sign
     * callbacks could otherwise choose the key that media are decrypted with.
     */
    static List<Attachment> attachments(WecomCallback callback, Channel channel) {
        boolean ownKeys = channel == Channel.LONG_CONNECTION;
        if (callback instanceof ImageMessage image) {
            return List.of(new Attachment.Signed(Attachment.Kind.IMAGE, image.url(), ownKeys ? image.aesKey() : null));
        }
        if (callback instanceof FileMessage file) {
            return List.of(new Attachment.Signed(Attachment.Kind.FILE, file.url(), ownKeys ? file.aesKey() : null));
        }
        if (callback instanceof VideoMessage video) {
            return List.of(new Attachment.Signed(Attachment.Kind.VIDEO, video.url(), ownKeys ? video.aesKey() : null));
        }
        if (callback instanceof MixedMessage mixed) {
            var images = new ArrayList<Attachment>();
            for (MixedItem item : mixed.items()) {
                if (item instanceof MixedItem.Image image) {
                    images.add(new Attachment.Signed(Attachment.Kind.IMAGE, image.url(), ownKeys ? image.aesKey() : null));
                }
            }
            return images;
        }
        return List.of();
    }

    private static Input feedback(FeedbackEvent event) {
        Input.Rating rating = switch (event.type()) {
            case 1 -> Input.Rating.LIKE;
            case 2 -> Input.Rating.DISLIKE;
            case 3 -> Input.Rating.WITHDRAWN;
            default -> null;
        };
        if (rating == null) {
            return new Input.Ignored("feedback of unknown type " + event.type());
        }
        String content = event.content() == null || event.content().isBlank() ? null : event.content().strip();
        return new Input.Feedback(event.feedbackId(), rating, content);
    }

    private static String quoted(Quote quote) {
        String content = quote.text();
        if (content == null) {
            content = quote.items().isEmpty() ? "[" + quote.msgType() + "]" : joinQuotedItems(quote.items());
        }
        return content.lines().map(line -> "> " + line).collect(Collectors.joining("\n"));
    }

    private static String joinQuotedItems(List<MixedItem> items) {
        return items.stream()
                .map(item -> item instanceof MixedItem.Text text ? text.content().strip() : "[image]")
                .filter(content -> !content.isEmpty())
                .collect(Collectors.joining("\n"));
    }

    private static String joinTexts(List<MixedItem> items) {
        return items.stream()
                .filter(MixedItem.Text.class::isInstance)
                .map(item -> ((MixedItem.Text) item).content().strip())
                .filter(content -> !content.isEmpty())
                .collect(Collectors.joining("\n"));
    }
}
