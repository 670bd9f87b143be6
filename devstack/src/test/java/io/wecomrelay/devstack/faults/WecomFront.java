package io.wecomrelay.devstack.faults;

import java.net.ConnectException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import io.wecomrelay.sim.wecom.CallbackResponse;
import io.wecomrelay.sim.wecom.WecomClient;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.node.ObjectNode;

/**
 * WeCom in front of several ingress instances: each callback goes to the next instance in turn (a load
 * balancer's round robin), and a message whose callback failed (connection refused or reset, timeout, non-200)
 * is sent again with the same msgid to the instance after the one that failed it, as WeCom retries through a
 * balancer that tries the next upstream on an error: with one of two instances dead, every other attempt meets the
 * live one. (The shared round robin's next turn instead sent all ten attempts to the dead instance for about one in
 * a thousand messages sent meanwhile.)
 */
final class WecomFront {

    /** WeCom gives up on a callback after about 5 s. */
    private static final Duration CALLBACK_TIMEOUT = Duration.ofSeconds(5);
    private static final int MAX_ATTEMPTS = 10;
    private static final Duration RETRY_PAUSE = Duration.ofMillis(300);
    static final String MESSAGE = "message";
    static final String POLL = "poll";

    private final List<String> origins;
    private final Map<String, WecomClient> clients = new ConcurrentHashMap<>();
    private final AtomicLong turn = new AtomicLong();
    private final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
    private final AtomicLong resentMessages = new AtomicLong();

    /** {@code origins}: {@code http://127.0.0.1:PORT} of every ingress instance. */
    WecomFront(List<String> origins) {
        this.origins = List.copyOf(origins);
    }

    /** Sends a message until an instance answers 200; null when {@value #MAX_ATTEMPTS} attempts all failed. */
    @Nullable CallbackResponse deliver(FaultBot bot, ObjectNode message) throws InterruptedException {
        long first = turn.getAndIncrement();
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            if (attempt > 0) {
                resentMessages.incrementAndGet();
                Thread.sleep(RETRY_PAUSE.toMillis());
            }
            CallbackResponse response = once(origin(first + attempt), bot, message, MESSAGE);
            if (response != null) {
                return response;
            }
        }
        return null;
    }

    /** One refresh poll on the next instance; null when it failed (WeCom simply polls again). */
    @Nullable CallbackResponse poll(FaultBot bot, ObjectNode refresh) throws InterruptedException {
        return once(origin(turn.getAndIncrement()), bot, refresh, POLL);
    }

    private String origin(long turn) {
        return origins.get((int) (turn % origins.size()));
    }

    private @Nullable CallbackResponse once(String origin, FaultBot bot, ObjectNode callback, String kind)
            throws InterruptedException {
        WecomClient client = clients.computeIfAbsent(origin + " " + bot.id(), key ->
                WecomClient.create(URI.create(origin + "/wecom/callback/" + bot.id()), bot.token(), bot.aesKey()));
        String outcome;
        CallbackResponse answered = null;
        try {
            CallbackResponse response = client.send(callback).get(CALLBACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            outcome = "HTTP " + response.status();
            answered = response.status() == 200 ? response : null;
        } catch (ExecutionException e) {
            outcome = e.getCause() instanceof ConnectException ? "refused" : "connection failed";
        } catch (TimeoutException e) {
            outcome = "no answer in " + CALLBACK_TIMEOUT.toSeconds() + " s";
        }
        outcomes.computeIfAbsent(kind + " " + outcome, key -> new LongAdder()).increment();
        return answered;
    }

    /**
     * How every callback attempt so far ended, by kind ({@value #MESSAGE}, {@value #POLL}) and outcome, e.g.
     * {@code "message HTTP 503" -> 12}, {@code "poll refused" -> 3}.
     */
    Map<String, Long> outcomes() {
        var counts = new TreeMap<String, Long>();
        outcomes.forEach((key, count) -> counts.put(key, count.sum()));
        return counts;
    }

    /** Messages sent again, with the same msgid, after a failed attempt. */
    long resentMessages() {
        return resentMessages.get();
    }
}
