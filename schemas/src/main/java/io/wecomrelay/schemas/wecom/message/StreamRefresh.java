package io.wecomrelay.schemas.wecom.message;

import java.util.Objects;

/**
 * {@code msgtype: stream}: WeCom polling for the next snapshot of a stream we started with
 * {@code finish: false}. Answer with a stream reply with the same id. Key state on {@code streamId};
 * whether each refresh has a fresh {@code msgid} is unconfirmed.
 *
 * @param streamId {@code stream.id}: the id we chose in our first reply
 */
public record StreamRefresh(CallbackMeta meta, String streamId) implements WecomCallback {
    public StreamRefresh {
        Objects.requireNonNull(meta, "meta");
        Objects.requireNonNull(streamId, "streamId");
    }
}
