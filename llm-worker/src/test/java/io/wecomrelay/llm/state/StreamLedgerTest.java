package io.wecomrelay.llm.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import io.wecomrelay.llm.TestWheel;
import io.wecomrelay.schemas.stream.StreamStateKeys;
import io.wecomrelay.testkit.TestInfrastructure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/** The start script and the done marker against a real Redis; every test uses its own stream and conversation. */
class StreamLedgerTest {

    private static final Duration TTL = Duration.ofHours(1);
    private static final Duration CONVERSATION_TTL = Duration.ofDays(2);

    private static LettuceConnectionFactory factory;
    private static ReactiveStringRedisTemplate redis;
    private static StreamLedger ledger;

    private final String streamId = "stream-" + UUID.randomUUID();
    private final String conversationKey = "bot:u:" + UUID.randomUUID();

    @BeforeAll
    static void connect() {
        factory = new LettuceConnectionFactory(LettuceConnectionFactory.createRedisConfiguration(TestInfrastructure.redisUrl()));
        factory.afterPropertiesSet();
        factory.start();
        redis = new ReactiveStringRedisTemplate(factory);
        ledger = new StreamLedger(redis, TTL, CONVERSATION_TTL, TestWheel.bound(Duration.ofSeconds(5)), Duration.ofMillis(50),
                Duration.ofMillis(200));
    }

    @AfterAll
    static void close() {
        factory.destroy();
    }

    @Test
    void eachStartTakesTheNextAttemptUntilTheStreamIsDone() {
        var first = ledger.start(streamId, null).block();
        var second = ledger.start(streamId, null).block();
        ledger.markDone(streamId, 2).block();
        var afterDone = ledger.start(streamId, null).block();

        assertThat(first).isEqualTo(new StreamLedger.Start(1, null));
        assertThat(first.done()).isFalse();
        assertThat(second).isEqualTo(new StreamLedger.Start(2, null));
        assertThat(afterDone.done()).isTrue();
        assertThat(afterDone.attempt()).isZero();
        assertThat(redis.opsForValue().get(StreamLedger.ATTEMPT_PREFIX + streamId).block())
                .as("a done stream takes no attempt").isEqualTo("2");
        assertThat(redis.opsForValue().get(StreamLedger.DONE_PREFIX + streamId).block()).isEqualTo("2");
    }

    @Test
    void aStreamTheResponderFinishedIsDoneEvenWithoutADoneMarker() {
        // the worker that published the last chunk died while Redis was down: no marker, but the responder folded it
        ledger.start(streamId, null).block();
        redis.opsForHash().put(StreamStateKeys.key(streamId), StreamStateKeys.FINISH, "1").block();

        var redo = ledger.start(streamId, conversationKey).block();

        assertThat(redo.done()).isTrue();
        assertThat(redis.opsForValue().get(StreamLedger.ATTEMPT_PREFIX + streamId).block()).isEqualTo("1");
    }

    @Test
    void aStreamTheResponderHasNotFinishedIsStartedAgain() {
        redis.opsForHash().put(StreamStateKeys.key(streamId), StreamStateKeys.FINISH, "0").block();

        assertThat(ledger.start(streamId, null).block()).isEqualTo(new StreamLedger.Start(1, null));
    }

    @Test
    void theCounterAndTheDoneMarkerExpireAfterTheLedgerTtl() {
        ledger.start(streamId, null).block();
        ledger.markDone(streamId, 1).block();

        assertThat(pttl(StreamLedger.ATTEMPT_PREFIX + streamId)).isPositive().isLessThanOrEqualTo(TTL.toMillis());
        assertThat(pttl(StreamLedger.DONE_PREFIX + streamId)).isPositive().isLessThanOrEqualTo(TTL.toMillis());
    }

    @Test
    void aStartOfAQueryReadsTheConversationAndRenewsItsTtl() {
        redis.opsForValue().set(ConversationStore.PREFIX + conversationKey, "conv-1", Duration.ofMinutes(1)).block();

        var start = ledger.start(streamId, conversationKey).block();

        assertThat(start).isEqualTo(new StreamLedger.Start(1, "conv-1"));
        assertThat(pttl(ConversationStore.PREFIX + conversationKey))
                .isGreaterThan(Duration.ofMinutes(1).toMillis()).isLessThanOrEqualTo(CONVERSATION_TTL.toMillis());
    }

    @Test
    void aStartWithoutAStoredConversationStartsANewOneAndCreatesNoKey() {
        var start = ledger.start(streamId, conversationKey).block();

        assertThat(start).isEqualTo(new StreamLedger.Start(1, null));
        assertThat(redis.hasKey(ConversationStore.PREFIX + conversationKey).block()).isFalse();
    }

    @Test
    void aConversationIdIsReturnedWhateverItContains() {
        String odd = "line one\nline two\n";
        redis.opsForValue().set(ConversationStore.PREFIX + conversationKey, odd, Duration.ofMinutes(1)).block();

        assertThat(ledger.start(streamId, conversationKey).block()).isEqualTo(new StreamLedger.Start(1, odd));
    }

    @Test
    void aDoneStreamNeitherReadsNorRenewsTheConversation() {
        redis.opsForValue().set(ConversationStore.PREFIX + conversationKey, "conv-1", Duration.ofMinutes(1)).block();
        ledger.markDone(streamId, 1).block();

        var start = ledger.start(streamId, conversationKey).block();

        assertThat(start.done()).isTrue();
        assertThat(start.conversationId()).isNull();
        assertThat(pttl(ConversationStore.PREFIX + conversationKey)).isLessThanOrEqualTo(Duration.ofMinutes(1).toMillis());
    }

    @Test
    void concurrentStartsOfOneStreamGetDistinctAttempts() {
        int starts = 40;

        List<Integer> attempts = Flux.range(0, starts)
                .flatMap(i -> ledger.start(streamId, conversationKey), starts)
                .map(StreamLedger.Start::attempt)
                .collectList()
                .block();

        assertThat(attempts).hasSize(starts).doesNotHaveDuplicates().allMatch(attempt -> attempt >= 1 && attempt <= starts);
    }

    private static long pttl(String key) {
        return redis.getExpire(key).block().toMillis();
    }
}
