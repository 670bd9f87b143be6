package io.wecomrelay.llm.input;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import io.wecomrelay.schemas.event.ChatType;
import io.wecomrelay.schemas.event.MessageAccepted;
import io.wecomrelay.schemas.wecom.message.MixedItem;
import io.wecomrelay.schemas.wecom.message.MixedMessage;
import io.wecomrelay.schemas.wecom.message.Quote;
import io.wecomrelay.schemas.wecom.message.TextMessage;
import io.wecomrelay.schemas.wecom.message.VoiceMessage;
import io.wecomrelay.schemas.wecom.message.WecomCallback;
import org.jspecify.annotations.Nullable;

/**
 * Turns an accepted WeCom message into an {@link Input}: text (bot mention removed), voice (WeCom's
 * transcript), mixed (its text items joined; images are not passed on yet), and a quoted message
 * as a Markdown block quote before the user's words. Images, files and videos alone are
 * {@link Input.Unsupported} for now. Pure and thread-safe.
 */
public final class Inputs {

    private final Map<String, List<String>> mentionNames;
    private final List<String> resetCommands;

    /**
     * @param mentionNames  bot display names by bot id
     * @param resetCommands texts that start a new conversation (compared trimmed, ignoring case)
     */
    public Inputs(Map<String, List<String>> mentionNames, List<String> resetCommands) {
        this.mentionNames = Map.copyOf(mentionNames);
        this.resetCommands = resetCommands.stream().map(c -> c.strip().toLowerCase(Locale.ROOT)).toList();
    }

    public Input read(MessageAccepted accepted) {
        var message = accepted.message();
        if (message.isEvent()) {
            return new Input.Ignored("event " + message.eventType());
        }
        WecomCallback callback;
        try {
            callback = WecomCallback.parse(message.body());
        } catch (RuntimeException e) {
            return new Input.Unsupported(message.msgType());
        }
        String text = text(callback, accepted.botId(), message.chatType() == ChatType.GROUP);
        if (text == null) {
            return new Input.Unsupported(message.msgType());
        }
        if (resetCommands.contains(text.toLowerCase(Locale.ROOT))) {
            return new Input.Reset();
        }
        if (text.isEmpty()) {
            return new Input.Empty();
        }
        Quote quote = callback.meta().quote();
        return new Input.Query(quote == null ? text : quoted(quote) + "\n\n" + text);
    }

    /** The user's words, or null when the message has none the worker can use. */
    private @Nullable String text(WecomCallback callback, String botId, boolean group) {
        List<String> names = mentionNames.getOrDefault(botId, List.of());
        if (callback instanceof TextMessage text) {
            return Mentions.strip(text.content(), names, group);
        }
        if (callback instanceof VoiceMessage voice) {
            return voice.content().strip();
        }
        if (callback instanceof MixedMessage mixed) {
            String joined = joinTexts(mixed.items());
            String stripped = Mentions.strip(joined, names, group);
            return stripped.isEmpty() ? null : stripped;
        }
        return null;
    }

    private static String quoted(Quote quote) {
        String content = quote.text();
        if (content == null) {
            content = quote.items().isEmpty() ? "[" + quote.msgType() + "]" : joinTexts(quote.items());
        }
        return content.lines().map(line -> "> " + line).collect(Collectors.joining("\n"));
    }

    private static String joinTexts(List<MixedItem> items) {
        return items.stream()
                .filter(MixedItem.Text.class::isInstance)
                .map(item -> ((MixedItem.Text) item).content().strip())
                .filter(content -> !content.isEmpty())
                .collect(Collectors.joining("\n"));
    }
}
