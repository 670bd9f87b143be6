package io.wecomrelay.benchmarks.suites;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.wecomrelay.sim.dify.DifySimulator;
import io.wecomrelay.sim.dify.RecordedChatRequest;

/**
 * Waits for the Dify simulator to receive given questions: one thread looks at the simulator's request log
 * every millisecond (only when its count changed) and completes the future of each question whose tag
 * ({@code <prefix><n>:} at the start of the query) it finds. The time taken is the simulator's own
 * {@link RecordedChatRequest#receivedAt()}, so this polling never adds to a measured latency; it only
 * delays when a waiting user sends its next message by up to a millisecond.
 */
final class DifyArrivals implements AutoCloseable {

    private final DifySimulator sim;
    private final Pattern tag;
    private final Map<Integer, CompletableFuture<RecordedChatRequest>> waiting = new ConcurrentHashMap<>();
    private final Thread watcher;
    private volatile boolean running = true;

    DifyArrivals(DifySimulator sim, String prefix) {
        this.sim = sim;
        this.tag = Pattern.compile("^" + Pattern.quote(prefix) + "(\\d+):");
        this.watcher = new Thread(this::watch, "dify-arrivals");
        watcher.setDaemon(true);
        watcher.start();
    }

    /** Completes when the question tagged {@code n} reached the simulator (register before sending it). */
    CompletableFuture<RecordedChatRequest> expect(int n) {
        return waiting.computeIfAbsent(n, k -> new CompletableFuture<>());
    }

    private void watch() {
        long seenCount = sim.chatRequestCount();
        int seenIndex = sim.chatRequests().size();
        while (running) {
            long count = sim.chatRequestCount();
            if (count != seenCount) {
                seenCount = count;
                List<RecordedChatRequest> requests = sim.chatRequests();
                for (int i = Math.min(seenIndex, requests.size()); i < requests.size(); i++) {
                    RecordedChatRequest request = requests.get(i);
                    Matcher matcher = request.query() == null ? null : tag.matcher(request.query());
                    if (matcher != null && matcher.find()) {
                        expect(Integer.parseInt(matcher.group(1))).complete(request);
                    }
                }
                seenIndex = requests.size();
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        running = false;
        watcher.interrupt();
    }
}
