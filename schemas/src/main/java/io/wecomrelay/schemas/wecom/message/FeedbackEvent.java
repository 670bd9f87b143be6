package io.wecomrelay.schemas.wecom.message;

import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * {@code event.eventtype: feedback_event}: the user rated a reply that carried {@code feedback.id}.
 * Nothing needs to be answered.
 *
 * @param feedbackId        {@code id}: the feedback id we sent
 * @param type              {@code type}; by third-party consensus (unconfirmed) 1 = accurate,
 *                          2 = inaccurate, 3 = rating withdrawn; 0 if absent
 * @param content           free text, usually only for negative feedback
 * @param inaccurateReasons {@code inaccurate_reason_list} codes (meaning unconfirmed)
 */
public record FeedbackEvent(CallbackMeta meta, String feedbackId, int type, @Nullable String content,
                            List<Integer> inaccurateReasons) implements WecomCallback {

    public FeedbackEvent {
        Objects.requireNonNull(meta, "meta");
        Objects.requireNonNull(feedbackId, "feedbackId");
        inaccurateReasons = List.copyOf(inaccurateReasons);
    }

    @Override
    public String toString() {
        return "FeedbackEvent[" + meta + ", feedbackId=" + feedbackId + ", type=" + type
                + ", inaccurateReasons=" + inaccurateReasons + "]";
    }
}
