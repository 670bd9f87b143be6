package io.wecomrelay.llm.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;

import io.wecomrelay.llm.TestWheel;
import io.wecomrelay.testkit.LocalRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.Disposable;

/** The done marker against a Redis of its own that is killed and started again on the same port. */
class StreamLedgerOutageTest {

    private static final LocalRedis REDIS = LocalRedis.startEmbedded();
    private static LettuceConnectionFactory factory;
    private static ReactiveStringRedisTemplate redis;

    @BeforeAll
    static void connect() {
        factory = new LettuceConnectionFactory(LettuceConnectionFactory.createRedisConfiguration(REDIS.url()),
                LettuceClientConfiguration.builder().commandTimeout(Duration.ofMillis(300)).build());
        factory.afterPropertiesSet();
        factory.start();
        redis = new ReactiveStringRedisTemplate(factory);
    }

    @AfterAll
    static void close() {
        factory.destroy();
        REDIS.close();
    }

    @Test
    void theDoneMarkerWaitsOutARedisOutageInsteadOfGivingUp() {
        var ledger = new StreamLedger(redis, Duration.ofHours(1), Duration.ofDays(1), TestWheel.bound(Duration.ofMillis(300)),
                Duration.ofMillis(50), Duration.ofMillis(200));
        String streamId = "stream-" + UUID.randomUUID();
        ledger.start(streamId, null).block(); // connected

        REDIS.kill();
        var failedTries = new AtomicInteger();
        var tries = new AppenderBase<ILoggingEvent>() {
            @Override
            protected void append(ILoggingEvent event) {
                if (event.getFormattedMessage().startsWith("cannot mark stream done")) {
                    failedTries.incrementAndGet();
                }
            }
        };
        tries.start();
        var logger = (Logger) LoggerFactory.getLogger(StreamLedger.class);
        logger.addAppender(tries);
        var failure = new AtomicReference<Throwable>();
        var done = new AtomicBoolean();
        Disposable marking = ledger.markDone(streamId, 1).subscribe(null, failure::set, () -> done.set(true));
        try {
            // the positive control: tries are made and fail (each after the 300 ms timeout); none ends the wait
            await().atMost(Duration.ofSeconds(30)).until(() -> failedTries.get() >= 3);
            assertThat(failure.get()).isNull();
            assertThat(done).isFalse();

            REDIS.startAgain();
            await().atMost(Duration.ofSeconds(60)).untilTrue(done);
            assertThat(failure.get()).isNull();
            assertThat(redis.opsForValue().get(StreamLedger.DONE_PREFIX + streamId).block()).isEqualTo("1");
        } finally {
            marking.dispose();
            logger.detachAppender(tries);
        }
    }
}
