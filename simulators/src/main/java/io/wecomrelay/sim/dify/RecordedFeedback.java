package io.wecomrelay.sim.dify;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * One accepted {@code POST /v1/messages/{message_id}/feedbacks}.
 *
 * @param rating {@code like}, {@code dislike}, or null (which revokes earlier feedback)
 */
public record RecordedFeedback(Instant receivedAt, String apiKeyHint, String messageId, @Nullable String rating,
                               String user, @Nullable String content) {
}
