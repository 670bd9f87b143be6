package io.wecomrelay.support.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class MeterTableTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final AtomicInteger made = new AtomicInteger();
    private final MeterTable<Counter> counters = new MeterTable<>((bot, outcome) -> {
        made.incrementAndGet();
        return Counter.builder("test.counter").tag("bot", bot).tag("outcome", outcome).register(registry);
    });

    @Test
    void eachPairOfKeysHasItsOwnMeterMadeOnce() {
        counters.get("bot-a", "ok").increment();
        counters.get("bot-a", "ok").increment();
        counters.get("bot-a", "failed").increment();
        counters.get("bot-b", "ok").increment();

        assertThat(made).hasValue(3);
        assertThat(registry.get("test.counter").tags("bot", "bot-a", "outcome", "ok").counter().count()).isEqualTo(2);
        assertThat(registry.get("test.counter").tags("bot", "bot-a", "outcome", "failed").counter().count()).isEqualTo(1);
        assertThat(registry.get("test.counter").tags("bot", "bot-b", "outcome", "ok").counter().count()).isEqualTo(1);
    }

    @Test
    void theFactoryIsGivenTheKeysInOrder() {
        MeterTable<String> names = new MeterTable<>((first, second) -> first + "/" + second);

        assertThat(names.get("hop", "bot")).isEqualTo("hop/bot");
        assertThat(names.get("bot", "hop")).isEqualTo("bot/hop");
    }

    @Test
    void threadsAskingForTheSameMeterAtOnceGetOneMeter() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(8);
        CountDownLatch start = new CountDownLatch(1);
        List<Counter> seen = new ArrayList<>();
        try {
            List<java.util.concurrent.Future<Counter>> asks = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                asks.add(threads.submit(() -> {
                    start.await();
                    return counters.get("bot-a", "ok");
                }));
            }
            start.countDown();
            for (var ask : asks) {
                seen.add(ask.get(10, TimeUnit.SECONDS));
            }
        } finally {
            threads.shutdownNow();
        }

        assertThat(made).hasValue(1);
        assertThat(seen).allSatisfy(counter -> assertThat(counter).isSameAs(seen.get(0)));
    }
}
