package io.wecomrelay.support.stream;

import java.util.List;

import io.wecomrelay.support.redis.LuaScripts;

import org.springframework.data.redis.core.script.RedisScript;

/**
 * The fold of a reply chunk into {@code stream:{streamId}} ({@code fold-chunk.lua} after {@code finish.lua}; the
 * arguments and the reply are described in the script), shared by the two services that write a stream's text: the
 * llm-worker folds the previews of a streaming bot's answer, the responder the chunks on {@code wecom.chunks}. One
 * script, so that both apply the same attempt and sequence rules and cut the text alike.
 */
public final class StreamFoldScripts {

    /** What the scripts that finish a stream share (the delivery job, the reply record); goes first. */
    public static final String FINISH = "io/wecomrelay/support/stream/finish.lua";
    public static final String FOLD_CHUNK = "io/wecomrelay/support/stream/fold-chunk.lua";
    @SuppressWarnings("rawtypes")
    public static final RedisScript<List> FOLD = LuaScripts.load(List.class, FINISH, FOLD_CHUNK);
    /** The loop of {@link #FOLD_MANY}: its keys, arguments and reply are described in the script. */
    public static final String FOLD_MANY_LOOP = "io/wecomrelay/support/stream/fold-many.lua";
    /**
     * Many folds, each into its own stream, in one call: {@link #FOLD}'s text unchanged as the body of a function
     * {@code fold(KEYS, ARGV)} (so that the fold rules exist once, and finish.lua's functions see the fold's own keys),
     * then the loop that calls it once per fold ({@code fold-many.lua}). One fold's error fails that fold only.
     */
    @SuppressWarnings("rawtypes")
    public static final RedisScript<List> FOLD_MANY = LuaScripts.loadAsFunction(List.class, "fold",
            List.of(FINISH, FOLD_CHUNK), FOLD_MANY_LOOP);

    private StreamFoldScripts() {
    }
}
