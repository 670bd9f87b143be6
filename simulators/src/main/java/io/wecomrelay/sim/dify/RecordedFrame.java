package io.wecomrelay.sim.dify;

import java.time.Instant;

/**
 * One SSE frame of a chat stream, at the moment it was handed to the connection to be written and
 * flushed, on the connection's event loop (where the write happens right after). Benchmarks measure from here rather
 * than from the planned cadence, so that the simulator's own timer drift and its event loop's backlog under load do
 * not count against the system under test.
 *
 * @param taskId  the stream's task id ({@link RecordedChatRequest#taskId()})
 * @param index   0 for the stream's first frame, then 1, 2, ... (pings and pieces of split frames count)
 * @param event   the frame's {@code event} field ("message", "message_end", ...), "ping" for a keep-alive,
 *                or "" for a piece of a split frame that does not start with {@code data: }
 * @param sentAt  when the frame was handed to the connection
 */
public record RecordedFrame(String taskId, int index, String event, Instant sentAt) {
}
