package io.wecomrelay.devstack;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

import io.wecomrelay.sim.wecomws.LongConnectionSimulator;
import io.wecomrelay.sim.wecomws.ReceivedFrame;

/**
 * The demo conversation of a long-connection bot: the simulator, playing WeCom, sends a text on the bot's socket and
 * prints each stream frame the connector pushes back, until the one with {@code finish}.
 */
final class LongConnectionDemo {

    /** The connector subscribes once it owns the bot's partition; a Dify answer then takes seconds. */
    private static final Duration SUBSCRIBE_WAIT = Duration.ofMinutes(2);
    private static final Duration REPLY_WAIT = Duration.ofMinutes(2);
    private static final Duration POLL = Duration.ofMillis(200);

    private final PrintStream out;
    private final LongConnectionSimulator wecom;

    LongConnectionDemo(PrintStream out, LongConnectionSimulator wecom) {
        this.out = out;
        this.wecom = wecom;
    }

    void run(String botId) {
        try {
            if (!waitFor(SUBSCRIBE_WAIT, () -> wecom.subscribed(botId))) {
                out.println("\ndemo: " + botId + " did not subscribe within " + SUBSCRIBE_WAIT.toSeconds()
                        + " s; see the connector's log");
                return;
            }
            out.println("\ndemo: lisi says 你好 to " + botId + " over the long connection (one line per stream frame)");
            long started = System.nanoTime();
            var message = wecom.sendText(botId, "lisi", "你好，介绍一下你自己");
            int shown = 0;
            boolean finished = false;
            long deadline = System.nanoTime() + REPLY_WAIT.toNanos();
            while (!finished && System.nanoTime() < deadline) {
                List<ReceivedFrame> frames = wecom.framesFor(message.reqId());
                for (ReceivedFrame frame : frames.subList(shown, frames.size())) {
                    out.println("  | " + frame.streamContent() + (frame.finished() ? "  [finish]" : ""));
                    finished |= frame.finished();
                }
                shown = frames.size();
                Thread.sleep(POLL.toMillis());
            }
            out.println("demo: " + (finished ? "finished" : "NOT finished") + " after " + shown + " frames, "
                    + Duration.ofNanos(System.nanoTime() - started).toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean waitFor(Duration timeout, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(POLL.toMillis());
        }
        return false;
    }
}
