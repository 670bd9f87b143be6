package io.wecomrelay.sim.wecom;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * One user talking to one bot the way the WeCom client does: send a message, then poll the stream
 * about once a second until {@code finish: true} or WeCom's 6-minute window closes.
 */
public final class ChatSession {

    /** WeCom stops polling a stream 6 minutes after the user's message. */
    public static final Duration WECOM_WINDOW = Duration.ofMinutes(6);

    private final WecomClient client;
    private final String botId;
    private final Duration pollInterval;
    private final Duration window;

    public ChatSession(WecomClient client, String botId, Duration pollInterval, Duration window) {
        this.client = client;
        this.botId = botId;
        this.pollInterval = pollInterval;
        this.window = window;
    }

    /**
     * Sends {@code text} as {@code msgId} from {@code userId} ({@code chatId} null for a single chat)
     * and follows the stream. {@code onFrame} sees every new snapshot.
     */
    public ChatResult chat(String msgId, String userId, @Nullable String chatId, String text, Consumer<String> onFrame)
            throws InterruptedException {
        long started = System.nanoTime();
        CallbackResponse first = await(client.send(WecomMessages.text(botId, msgId, userId, chatId, text)));
        if (first.status() != 200 || first.streamId() == null) {
            throw new IllegalStateException("message answered HTTP " + first.status() + " without a stream: " + first.body());
        }
        String streamId = first.streamId();
        List<String> frames = new ArrayList<>();
        record(frames, first.streamContent(), onFrame);
        boolean finished = first.streamFinished();
        List<byte[]> images = first.streamImages();
        int refreshes = 0;
        long deadline = started + window.toNanos();
        while (!finished && System.nanoTime() < deadline) {
            Thread.sleep(pollInterval.toMillis());
            CallbackResponse answer = await(client.send(WecomMessages.refresh(botId, msgId + "-r" + refreshes, userId, chatId, streamId)));
            refreshes++;
            if (answer.status() != 200) {
                continue; // WeCom simply polls again
            }
            record(frames, answer.streamContent(), onFrame);
            finished = answer.streamFinished();
            images = answer.streamImages();
        }
        return new ChatResult(streamId, frames, refreshes, finished, Duration.ofNanos(System.nanoTime() - started), images);
    }

    private static void record(List<String> frames, @Nullable String content, Consumer<String> onFrame) {
        if (content != null && (frames.isEmpty() || !frames.get(frames.size() - 1).equals(content))) {
            frames.add(content);
            onFrame.accept(content);
        }
    }

    static <T> T await(java.util.concurrent.CompletableFuture<T> future) throws InterruptedException {
        try {
            return future.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("callback failed: " + e.getCause(), e.getCause());
        }
    }
}
