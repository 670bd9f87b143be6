package io.wecomrelay.ingress.refresh;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.util.HashedWheelTimer;
import io.wecomrelay.schemas.bot.BotConfig;
import io.wecomrelay.schemas.bot.BotRegistryLoader;
import io.wecomrelay.schemas.ids.StreamIds;
import io.wecomrelay.schemas.stream.StreamStateKeys;
import io.wecomrelay.schemas.testing.Events;
import io.wecomrelay.testkit.LocalRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * A refresh answered from a Redis of its own, and one that Redis answers later than the bound: both continue on the
 * request's loop, never on Lettuce's event loop or the timer wheel's thread.
 */
class RefreshAnswererTest {

    static final Duration TIMEOUT = Duration.ofMillis(200);
    static final LocalRedis REDIS = LocalRedis.startEmbedded();
    static LettuceConnectionFactory factory;
    static ReactiveStringRedisTemplate redis;
    static RedisLink link;

    final HashedWheelTimer wheel = new HashedWheelTimer(5, TimeUnit.MILLISECONDS);
    /** Stands in for the request's event loop. */
    final Scheduler loop = Schedulers.newSingle("request-loop");
    final BotConfig bot = new BotRegistryLoader(name -> null).parse("""
            bots:
              - id: bot-refresh
                token: QDG6eK
                aes-key: jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C
                reply-mode: passive_stream
                webhook-key: k
                dify: { base-url: http://127.0.0.1:9/v1, api-key: app-test, allow-insecure-http: true }
            """).find("bot-refresh").orElseThrow();
    final RefreshAnswerer answerer = new RefreshAnswerer(new StreamStateReader(redis, link),
            new StreamFrames(Duration.ofSeconds(350), "expired", "timed out"),
            new FinalFrameImages(redis, TIMEOUT, new SimpleMeterRegistry(), wheel),
            Clock.fixed(Events.T0, ZoneOffset.UTC), TIMEOUT, wheel);

    @BeforeAll
    static void connect() {
        URI uri = URI.create(REDIS.url());
        factory = new LettuceConnectionFactory(new RedisStandaloneConfiguration(uri.getHost(), uri.getPort()));
        factory.afterPropertiesSet();
        factory.start();
        redis = new ReactiveStringRedisTemplate(factory);
        link = new RedisLink(factory, Duration.ofMillis(50), Duration.ofMillis(200));
        link.open().block(Duration.ofSeconds(10));
    }

    @AfterAll
    static void disconnect() {
        link.close();
        factory.destroy();
        REDIS.close();
    }

    @AfterEach
    void stop() {
        wheel.stop();
        loop.dispose();
    }

    @Test
    void aStreamRedisKnowsIsAnsweredOnTheRequestsLoop() {
        String streamId = stream("m1");

        var answered = answerer.refresh(bot, streamId, loop)
                .map(answer -> answer.result() + " on " + Thread.currentThread().getName())
                .block(Duration.ofSeconds(5));

        assertThat(answered).startsWith("hit on request-loop");
    }

    @Test
    void aRedisSlowerThanTheBoundGivesTheUnavailableFrameOnTheRequestsLoop() {
        String streamId = stream("m2");
        // Redis holds every client's commands while paused (UNPAUSE included): the read is answered long after the bound
        try (var admin = factory.getConnection()) {
            admin.execute("CLIENT", "PAUSE".getBytes(), Long.toString(TIMEOUT.toMillis() * 10).getBytes(), "ALL".getBytes());
        }

        var answered = answerer.refresh(bot, streamId, loop)
                .map(answer -> answer.result() + " on " + Thread.currentThread().getName())
                .block(Duration.ofSeconds(5));

        assertThat(answered).startsWith("unavailable on request-loop");
    }

    /** A stream ingress marked for the bot, with some text the responder wrote. */
    private String stream(String msgId) {
        String streamId = StreamIds.of("bot-refresh", msgId + "-" + UUID.randomUUID());
        redis.opsForHash().putAll(StreamStateKeys.key(streamId), Map.of(StreamStateKeys.CREATED,
                Long.toString(Events.T0.toEpochMilli()), StreamStateKeys.OWNER, "bot-refresh", StreamStateKeys.CONTENT,
                "so far")).block(Duration.ofSeconds(5));
        return streamId;
    }
}
