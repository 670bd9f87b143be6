package io.wecomrelay.connector.socket;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/** The per-bot metrics of the connections ({@code relay.connector.*}); the README lists them. */
public final class SocketMetrics {

    private final MeterRegistry meters;
    private final Map<String, AtomicInteger> states = new ConcurrentHashMap<>();
    private final Map<String, Timer> ackLatency = new ConcurrentHashMap<>();

    public SocketMetrics(MeterRegistry meters) {
        this.meters = meters;
    }

    void state(String botId, ConnectionState state) {
        states.computeIfAbsent(botId, id -> meters.gauge("relay.connector.connection.state",
                io.micrometer.core.instrument.Tags.of("bot", id), new AtomicInteger())).set(state.code());
    }

    void subscribe(String botId, int errcode) {
        meters.counter("relay.connector.subscribes", "bot", botId, "errcode", Integer.toString(errcode)).increment();
    }

    void reconnect(String botId, String cause) {
        meters.counter("relay.connector.reconnects", "bot", botId, "cause", cause).increment();
    }

    void frameSent(String botId, String cmd) {
        meters.counter("relay.connector.frames.sent", "bot", botId, "cmd", cmd).increment();
    }

    void ack(String botId, int errcode, Duration latency) {
        meters.counter("relay.connector.acks", "bot", botId, "errcode", Integer.toString(errcode)).increment();
        ackLatency.computeIfAbsent(botId, id -> Timer.builder("relay.connector.ack.latency").tag("bot", id)
                .description("From a frame sent to its ack").register(meters)).record(latency);
    }

    void ackMissing(String botId, String cmd) {
        meters.counter("relay.connector.acks.missing", "bot", botId, "cmd", cmd).increment();
    }
}
