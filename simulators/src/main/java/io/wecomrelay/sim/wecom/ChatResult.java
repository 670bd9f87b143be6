package io.wecomrelay.sim.wecom;

import java.time.Duration;
import java.util.List;

/**
 * The outcome of one simulated conversation turn.
 *
 * @param streamId  the stream id the server chose
 * @param frames    every distinct content the user saw, in order (snapshots)
 * @param refreshes how many refresh polls were sent
 * @param finished  true when the server answered {@code finish: true} within the window
 * @param elapsed   from sending the message to the last answer
 * @param images    the images of the finished frame's {@code msg_item}, decoded, their MD5s checked as WeCom would
 */
public record ChatResult(String streamId, List<String> frames, int refreshes, boolean finished, Duration elapsed,
                         List<byte[]> images) {

    public ChatResult {
        frames = List.copyOf(frames);
        images = List.copyOf(images);
    }

    /** A turn whose final frame had no images. */
    public ChatResult(String streamId, List<String> frames, int refreshes, boolean finished, Duration elapsed) {
        this(streamId, frames, refreshes, finished, elapsed, List.of());
    }

    /** The text the user ends up seeing. */
    public String finalContent() {
        return frames.isEmpty() ? "" : frames.get(frames.size() - 1);
    }
}
