package io.wecomrelay.llm.publish;

import io.wecomrelay.schemas.bot.BotConfig;
import org.jspecify.annotations.Nullable;

/** Where one attempt's chunks before its last go, by its bot and {@link PreviewRoute}. */
public enum Previews {
    /** To {@code wecom.chunks}, like the last one. */
    CHUNKS,
    /** Into {@code stream:{streamId}}, by the worker ({@link StreamPreviews}); the last chunk carries the whole answer. */
    REDIS,
    /** Nowhere: the last chunk carries the whole answer. */
    NONE;

    /**
     * {@link #CHUNKS} for the route {@code chunks}, a bot the bots file does not know, and a long-connection bot (the
     * responder tells its connector of every change of the stream, as it folds each chunk); otherwise {@link #REDIS}
     * for a bot whose stream WeCom polls, and {@link #NONE} for one that delivers actively (response_url, webhook,
     * app message), where nobody sees the text before it is finished.
     */
    public static Previews of(PreviewRoute route, @Nullable BotConfig bot) {
        if (route == PreviewRoute.CHUNKS || bot == null || bot.longConnection()) {
            return CHUNKS;
        }
        return bot.replyMode().streams() ? REDIS : NONE;
    }
}
