package io.wecomrelay.responder.outbox;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * Names of the outbox in Redis, all under one prefix (default {@code responder:}).
 *
 * @param prefix prefix of every key
 * @param group  the consumer group every responder instance reads the outboxes with
 */
public record OutboxKeys(String prefix, String group) {

    public OutboxKeys {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(group, "group");
    }

    /** The bot's outbox, a Redis Stream of delivery jobs in finish order. */
    public String outbox(String botId) {
        return prefix + "outbox:" + botId;
    }

    /**
     * The pattern of the channels on which new jobs are announced: each outbox's job ids go out on the channel
     * named like the outbox ({@code finish.lua}).
     */
    public String outboxChannels() {
        return escapeGlob(prefix + "outbox:") + "*";
    }

    /** The bot whose outbox a channel of {@link #outboxChannels()} announces, or null for any other channel. */
    public @Nullable String botOfOutbox(String channel) {
        String start = prefix + "outbox:";
        return channel.startsWith(start) && channel.length() > start.length() ? channel.substring(start.length()) : null;
    }

    /** Who may read the bot's outbox now: a consumer name with a TTL. */
    public String lease(String botId) {
        return prefix + "outbox-lease:" + botId;
    }

    /** Jobs that could not be read, moved aside with the reason. */
    public String dead(String botId) {
        return prefix + "outbox-dead:" + botId;
    }

    /** Held for a window by the bot's last queued rate-limit notice: its stream id, with a TTL. */
    public String notice(String botId) {
        return prefix + "notice:" + botId;
    }

    /** The delivery state of one stream: {@code queued}, {@code part:N}, {@code done}. */
    public String state(String streamId) {
        return prefix + "delivery:" + streamId;
    }

    // a prefix such as "tenant[1]:" must match itself only, not a character class
    private static String escapeGlob(String text) {
        var escaped = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
                escaped.append('\\');
            }
            escaped.append(c);
        }
        return escaped.toString();
    }
}
