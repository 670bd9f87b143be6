package io.wecomrelay.connector.reply;

import java.time.Instant;
import java.util.Objects;

/**
 * A reply stream whose {@code finish} frame WeCom has not acknowledged yet.
 *
 * @param streamId     the bubble's {@code stream.id} (derived from bot id and msgid, as in callback mode)
 * @param reqId        the callback frame's req_id that every frame of the stream echoes
 * @param firstFrameAt when the first frame went out: WeCom's 6-minute limit runs from here
 */
public record OpenStream(String streamId, String reqId, Instant firstFrameAt) {

    public OpenStream {
        Objects.requireNonNull(streamId, "streamId");
        Objects.requireNonNull(reqId, "reqId");
        Objects.requireNonNull(firstFrameAt, "firstFrameAt");
    }
}
