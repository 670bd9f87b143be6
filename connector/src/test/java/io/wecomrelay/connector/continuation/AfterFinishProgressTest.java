package io.wecomrelay.connector.continuation;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.UUID;

import io.wecomrelay.testkit.TestInfrastructure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/** The after-finish step's claim and progress scripts, on a real Redis. */
class AfterFinishProgressTest {

    static final String BOT = "bot-1";
    static LettuceConnectionFactory connections;
    static ReactiveStringRedisTemplate redis;
    final String prefix = "progress-test-" + UUID.randomUUID() + ":";
    final AfterFinishProgress progress = new AfterFinishProgress(redis, prefix, Duration.ofMinutes(10));

    @BeforeAll
    static void connect() {
        URI url = URI.create(TestInfrastructure.redisUrl());
        connections = new LettuceConnectionFactory(new RedisStandaloneConfiguration(url.getHost(), url.getPort()));
        connections.afterPropertiesSet();
        connections.start();
        redis = new ReactiveStringRedisTemplate(connections);
    }

    @AfterAll
    static void disconnect() {
        connections.destroy();
    }

    @Test
    void aStepIsClaimedOnceAndPendingForItsBotWithItsReqIdAndItemCounts() {
        assertThat(progress.claim(BOT, "s1", "req-a", 3, 2).block()).isTrue();
        assertThat(progress.claim(BOT, "s1", "req-b", 3, 2).block()).as("the second req_id of a message").isFalse();

        assertThat(progress.position("s1").block()).isEqualTo(new AfterFinishProgress.Position("req-a", 0, 3, 2));
        assertThat(progress.pending(BOT).collectList().block()).containsExactly("s1");
        assertThat(progress.pending("other-bot").collectList().block()).isEmpty();
        assertThat(redis.getExpire(prefix + "after:s1").block()).isPositive();
        assertThat(redis.getExpire(prefix + "after-pending:" + BOT).block()).isPositive();
    }

    @Test
    void progressMovesOnlyFromTheValueItsWriterReadAndTheStepLeavesThePendingOnesWhenDone() {
        progress.claim(BOT, "s2", "req-a", 2, 1).block();

        assertThat(progress.advance(BOT, "s2", 0, 1).block()).isTrue();
        // an owner that lost the bot, still thinking item 0 is next, neither moves it back nor skips
        assertThat(progress.advance(BOT, "s2", 0, 1).block()).isFalse();
        assertThat(progress.advance(BOT, "s2", 0, 3).block()).isFalse();
        assertThat(progress.position("s2").block().next()).isEqualTo(1);
        assertThat(progress.pending(BOT).collectList().block()).contains("s2");

        assertThat(progress.advance(BOT, "s2", 1, 3).block()).isTrue();
        assertThat(progress.pending(BOT).collectList().block()).doesNotContain("s2");
        // the claim stays once done, so a finish seen again later claims nothing
        assertThat(progress.claim(BOT, "s2", "req-a", 2, 1).block()).isFalse();
        assertThat(progress.position("s2").block().next()).isEqualTo(3);
    }

    @Test
    void aStepWhoseClaimExpiredHasNoPositionAndIsForgotten() {
        progress.claim(BOT, "s3", "req-a", 1, 0).block();
        redis.delete(prefix + "after:s3").block();

        assertThat(progress.position("s3").blockOptional()).isEmpty();
        progress.forget(BOT, "s3").block();
        assertThat(progress.pending(BOT).collectList().block()).doesNotContain("s3");
    }
}
