package io.wecomrelay.llm.metrics;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.wecomrelay.llm.handle.ReplyRunner;
import io.wecomrelay.llm.reply.ReplyMetrics;
import org.jspecify.annotations.Nullable;

/**
 * The worker's meters, all tagged with {@code bot}:
 * <ul>
 * <li>{@code relay.worker.first.text} (timer): from the start of a Dify request to its first answer text;</li>
 * <li>{@code relay.worker.dify.duration} (timer, {@code outcome=ok|error}): a whole Dify stream;</li>
 * <li>{@code relay.worker.chunks} and {@code relay.worker.characters} (counters): their rates are
 *     chunks and characters per second;</li>
 * <li>{@code relay.worker.in.flight} (gauge): replies being generated;</li>
 * <li>{@code relay.worker.errors} (counter, {@code code}): replies that ended with an error.</li>
 * </ul>
 */
public final class WorkerMetrics implements ReplyMetrics, ReplyRunner.InFlight {

    private final MeterRegistry registry;
    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();

    public WorkerMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void firstText(String botId, Duration sinceStart) {
        Timer.builder("relay.worker.first.text").description("Time from the Dify request to the first answer text")
                .tag("bot", botId).register(registry).record(sinceStart);
    }

    @Override
    public void chunk(String botId, int characters) {
        Counter.builder("relay.worker.chunks").tag("bot", botId).register(registry).increment();
        Counter.builder("relay.worker.characters").tag("bot", botId).register(registry).increment(characters);
    }

    @Override
    public void finished(String botId, @Nullable String errorCode, Duration duration) {
        Timer.builder("relay.worker.dify.duration").description("Duration of one Dify reply stream")
                .tag("bot", botId).tag("outcome", errorCode == null ? "ok" : "error")
                .register(registry).record(duration);
        if (errorCode != null) {
            Counter.builder("relay.worker.errors").tag("bot", botId).tag("code", errorCode).register(registry).increment();
        }
    }

    @Override
    public void changed(String botId, int delta) {
        inFlight.computeIfAbsent(botId, bot -> registry.gauge("relay.worker.in.flight",
                io.micrometer.core.instrument.Tags.of("bot", bot), new AtomicInteger())).addAndGet(delta);
    }
}
