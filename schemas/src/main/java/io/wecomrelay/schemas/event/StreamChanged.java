package io.wecomrelay.schemas.event;

import java.util.Objects;

/**
 * A notice that a long-connection bot's reply stream changed in Redis ({@code stream:{streamId}}): a chunk or a
 * rejection was folded. Topic {@code wecom.outbound}, keyed by bot id, so it reaches the one connector instance
 * that holds the bot's WebSocket, which reads the snapshot and pushes the latest text. It carries no text: Redis
 * holds the state, so a lost or repeated notice costs at most one frame later or one read more.
 */
public record StreamChanged(EventMeta meta, String botId, String streamId) implements RelayEvent {

    public static final String TYPE = "stream-changed.v1";

    public StreamChanged {
        Objects.requireNonNull(meta, "meta");
        Objects.requireNonNull(botId, "botId");
        Objects.requireNonNull(streamId, "streamId");
    }
}
