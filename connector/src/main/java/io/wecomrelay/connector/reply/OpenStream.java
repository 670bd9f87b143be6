package io.wecomrelay.connector.reply;

import java.time.Instant;
import java.util.Objects;

/**
 * A reply stream whose {@code finish} frame WeCom has not acknowledged yet, on one callback's req_id.
 *
 * @param streamId     the bubble's {@code stream.id} (derived from bot id and msgid, as in callback mode)
 * @param reqId        the callback frame's req_id that every frame of the stream echoes
 * @param firstFrameAt when the stream's first frame went out: WeCom's 6-minute limit runs from here
 * @param repeat       true when WeCom delivered the message again with this (new) req_id: the same stream is pushed
 *                     on it as well, so the req_id WeCom waits on gets its frames whichever delivery it shows
 */
public record OpenStream(String streamId, String reqId, Instant firstFrameAt, boolean repeat) {

    public OpenStream {
        Objects.requireNonNull(streamId, "streamId");
        Objects.requireNonNull(reqId, "reqId");
        Objects.requireNonNull(firstFrameAt, "firstFrameAt");
    }

    /** The stream of a message's first delivery. */
    public OpenStream(String streamId, String reqId, Instant firstFrameAt) {
        this(streamId, reqId, firstFrameAt, false);
    }

    /** The same stream on a repeated delivery's req_id, keeping the first frame's time (WeCom's limit). */
    OpenStream repeatedOn(String otherReqId) {
        return new OpenStream(streamId, otherReqId, firstFrameAt, true);
    }
}
