package io.wecomrelay.sim.dify;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Settings for one {@link DifySimulator}. Start from {@link #defaults()} and change what you need
 * with the {@code with...} methods. The server always binds to {@code 127.0.0.1}.
 *
 * @param port                 TCP port; {@code 0} picks a free one
 * @param apiKeys              accepted {@code Authorization: Bearer} keys; each key is one Dify app
 * @param deltaCount           answer deltas per stream, at least 1
 * @param deltaDelay           wait before each delta (also before the first one); may be zero
 * @param pingInterval         spacing of {@code event: ping} keep-alives in {@link Scenario#PAUSE}
 *                             and {@link Scenario#HOLD_OPEN}; positive
 * @param pause                length of the silent-but-pinging gap in {@link Scenario#PAUSE}
 * @param maxConcurrentStreams above this many open streams new chat requests get {@code 429};
 *                             {@code 0} means no limit (Dify's default)
 * @param requestLogCapacity   how many recorded requests, stops and feedbacks are kept (oldest
 *                             dropped first); counters are not affected
 * @param clock                source of {@code created_at} and recorded timestamps
 * @param ids                  source of task, message, conversation and workflow-run ids
 */
public record DifySimulatorConfig(int port, Set<String> apiKeys, int deltaCount, Duration deltaDelay,
                                  Duration pingInterval, Duration pause, int maxConcurrentStreams,
                                  int requestLogCapacity, Clock clock, Supplier<UUID> ids) {

    /** The only key accepted by {@link #defaults()}. */
    public static final String DEFAULT_API_KEY = "app-sim-key";

    public DifySimulatorConfig {
        if (port < 0 || port > 65_535) throw new IllegalArgumentException("port out of range: " + port);
        apiKeys = Set.copyOf(apiKeys);
        if (apiKeys.isEmpty()) throw new IllegalArgumentException("at least one api key is required");
        if (deltaCount < 1) throw new IllegalArgumentException("deltaCount must be at least 1");
        requireNotNegative(deltaDelay, "deltaDelay");
        requireNotNegative(pause, "pause");
        if (pingInterval.isZero() || pingInterval.isNegative()) {
            throw new IllegalArgumentException("pingInterval must be positive");
        }
        if (maxConcurrentStreams < 0) throw new IllegalArgumentException("maxConcurrentStreams must not be negative");
        if (requestLogCapacity < 1) throw new IllegalArgumentException("requestLogCapacity must be at least 1");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(ids, "ids");
    }

    /** Random port, key {@value #DEFAULT_API_KEY}, 5 deltas 50 ms apart, pings every 10 s, 30 s pause. */
    public static DifySimulatorConfig defaults() {
        return new DifySimulatorConfig(0, Set.of(DEFAULT_API_KEY), 5, Duration.ofMillis(50),
                Duration.ofSeconds(10), Duration.ofSeconds(30), 0, 10_000, Clock.systemUTC(), UUID::randomUUID);
    }

    public DifySimulatorConfig withPort(int newPort) {
        return new DifySimulatorConfig(newPort, apiKeys, deltaCount, deltaDelay, pingInterval, pause,
                maxConcurrentStreams, requestLogCapacity, clock, ids);
    }

    public DifySimulatorConfig withApiKeys(String... keys) {
        return new DifySimulatorConfig(port, Set.of(keys), deltaCount, deltaDelay, pingInterval, pause,
                maxConcurrentStreams, requestLogCapacity, clock, ids);
    }

    public DifySimulatorConfig withCadence(int newDeltaCount, Duration newDeltaDelay) {
        return new DifySimulatorConfig(port, apiKeys, newDeltaCount, newDeltaDelay, pingInterval, pause,
                maxConcurrentStreams, requestLogCapacity, clock, ids);
    }

    public DifySimulatorConfig withPause(Duration newPause, Duration newPingInterval) {
        return new DifySimulatorConfig(port, apiKeys, deltaCount, deltaDelay, newPingInterval, newPause,
                maxConcurrentStreams, requestLogCapacity, clock, ids);
    }

    public DifySimulatorConfig withMaxConcurrentStreams(int limit) {
        return new DifySimulatorConfig(port, apiKeys, deltaCount, deltaDelay, pingInterval, pause,
                limit, requestLogCapacity, clock, ids);
    }

    public DifySimulatorConfig withRequestLogCapacity(int capacity) {
        return new DifySimulatorConfig(port, apiKeys, deltaCount, deltaDelay, pingInterval, pause,
                maxConcurrentStreams, capacity, clock, ids);
    }

    public DifySimulatorConfig withClock(Clock newClock) {
        return new DifySimulatorConfig(port, apiKeys, deltaCount, deltaDelay, pingInterval, pause,
                maxConcurrentStreams, requestLogCapacity, newClock, ids);
    }

    public DifySimulatorConfig withIds(Supplier<UUID> newIds) {
        return new DifySimulatorConfig(port, apiKeys, deltaCount, deltaDelay, pingInterval, pause,
                maxConcurrentStreams, requestLogCapacity, clock, newIds);
    }

    /** The stream settings every request starts from before {@code [sim:...]} directives apply. */
    StreamSettings streamSettings() {
        return new StreamSettings(Scenario.NORMAL, deltaCount, deltaDelay, pause, pingInterval);
    }

    private static void requireNotNegative(Duration value, String name) {
        if (value.isNegative()) throw new IllegalArgumentException(name + " must not be negative");
    }

    @Override
    public String toString() {
        // keys are secrets even in a simulator: they may be copied from a real deployment
        return "DifySimulatorConfig[port=" + port + ", apiKeys=" + apiKeys.size() + " key(s), deltaCount="
                + deltaCount + ", deltaDelay=" + deltaDelay + ", pingInterval=" + pingInterval + ", pause=" + pause
                + ", maxConcurrentStreams=" + maxConcurrentStreams + "]";
    }
}
