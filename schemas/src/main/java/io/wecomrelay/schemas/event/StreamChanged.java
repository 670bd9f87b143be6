package io.wecomrelay.schemas.event;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A notice that a long-connection bot's reply stream changed in Redis ({@code stream:{streamId}}): a chunk or a
 * rejection was folded. Topic {@code wecom.outbound}, keyed by bot id, so it reaches the one connector instance
 * that holds the bot's WebSocket, which reads the snapshot and pushes the latest text. It carries no text: Redis
 * holds the state, so a lost or repeated notice costs at most one frame later or one read more.
 *
 * @param policyVersion the policy version of the bot settings the responder sent the notice under
 *                      ({@code BotConfig#policyVersion()}); null on notices written before it existed
 */
public record StreamChanged(EventMeta meta, String botId, String streamId, @Nullable String policyVersion)
        implements RelayEvent {

    public static final String TYPE = "stream-changed.v1";

    public StreamChanged {
        Objects.requireNonNull(meta, "meta");
        Objects.requireNonNull(botId, "botId");
        Objects.requireNonNull(streamId, "streamId");
    }

    /** A notice without the policy version (tools and tests that build events directly). */
    public StreamChanged(EventMeta meta, String botId, String streamId) {
        this(meta, botId, streamId, null);
    }
}
