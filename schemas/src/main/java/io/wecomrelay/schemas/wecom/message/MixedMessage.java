package io.wecomrelay.schemas.wecom.message;

import java.util.List;
import java.util.Objects;

/**
 * {@code msgtype: mixed} (图文混排): text and images in one message.
 *
 * @param items {@code mixed.msg_item}, in order
 */
public record MixedMessage(CallbackMeta meta, List<MixedItem> items) implements WecomCallback {
    public MixedMessage {
        Objects.requireNonNull(meta, "meta");
        items = List.copyOf(items);
    }

    @Override
    public String toString() {
        return "MixedMessage[" + meta + ", items=" + items.size() + "]";
    }
}
