package io.wecomrelay.sim.dify;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * One {@code POST /v1/chat-messages/{task_id}/stop} that passed authentication.
 *
 * @param stoppedStream true if it ended an open stream; false for unknown tasks, finished tasks and
 *                      a different user or key (Dify answers success in every case)
 */
public record RecordedStop(Instant receivedAt, String apiKeyHint, String taskId, @Nullable String user,
                           boolean stoppedStream) {
}
