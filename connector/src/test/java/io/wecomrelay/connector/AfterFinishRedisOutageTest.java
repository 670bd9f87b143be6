package io.wecomrelay.connector;

import static io.wecomrelay.connector.AfterFinishFixture.CONTINUATIONS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.micrometer.core.instrument.MeterRegistry;
import io.wecomrelay.schemas.text.Replies;
import io.wecomrelay.sim.wecomws.LongConnectionSimulator.Injected;
import io.wecomrelay.testkit.CapturedLines;
import io.wecomrelay.testkit.LocalRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Redis goes away while an after-finish step sends a long answer's rest: the part in hand cannot be recorded as
 * settled, the step is held and tried again by itself, each try one more hold in a row (the wait doubling,
 * {@code AfterFinish.holdDelay}), while the socket stays subscribed; once Redis is back (with its data: an append-only
 * file, as production runs it) the step goes on where its progress says, and the user gets every part, in order, at
 * most the part in hand twice. Real broker, the test's own Redis, the long-connection simulator.
 */
class AfterFinishRedisOutageTest {

    static final Duration WAIT = ConnectorHarness.WAIT;
    static final Pattern HELD = Pattern.compile("after-finish step held bot=\\S+ streamId=(\\S+) holds=(\\d+) ");
    static LocalRedis redis;
    static AfterFinishFixture fixture;
    static ConfigurableApplicationContext instance;

    @BeforeAll
    static void start() throws Exception {
        redis = LocalRedis.startEmbeddedWithAof(Files.createTempDirectory("after-finish-redis"));
        fixture = new AfterFinishFixture("ws-held-1", new ConnectorHarness(redis.url()));
        // a short interval: the holds' waits start at it and double
        instance = fixture.subscribedInstance("--relay.connector.replies.continuation-interval=500ms",
                "--spring.data.redis.timeout=500ms");
    }

    @AfterAll
    static void stop() {
        fixture.close();
        redis.close();
    }

    @Test
    void aStepHeldByARedisOutageIsTriedAgainByItselfAndGoesOnOnceRedisIsBack() {
        // Given a long answer whose parts go out one by one
        String answer = Replies.documented(100_000);
        List<String> expected = AfterFinishFixture.restParts(answer);
        assertThat(expected).hasSizeGreaterThanOrEqualTo(4);
        MeterRegistry meters = instance.getBean(MeterRegistry.class);
        Injected message = fixture.message("sunqi", "写一份很长的指南");
        String streamId = fixture.streamId(message);
        var lines = CapturedLines.attachTo("io.wecomrelay.connector.continuation");
        try {
            // When Redis goes away after the first part was acknowledged, and stays away for three holds in a row
            fixture.finishLong(message, answer);
            await().atMost(WAIT).until(() -> fixture.count(meters, CONTINUATIONS, "sent") >= 1);
            redis.kill();
            await().atMost(WAIT).until(() -> holdsOf(lines, streamId).size() >= 3);
            redis.startAgain();

            // Then the step goes on by itself: every part reaches the user, in order
            await().atMost(WAIT).until(() -> distinct(fixture.markdownOf(message)).size() == expected.size());
        } finally {
            lines.detach();
        }
        List<String> sent = fixture.markdownOf(message);
        assertThat(distinct(sent)).as("every part, in order").containsExactlyElementsOf(expected);
        assertThat(sent.size()).as("at most the part in hand when Redis went away twice").isBetween(expected.size(),
                expected.size() + 1);
        // each try while Redis was away was one more hold in a row: the wait doubled each time
        List<Integer> holds = holdsOf(lines, streamId);
        for (int i = 0; i < holds.size(); i++) {
            assertThat(holds.get(i)).isEqualTo(i + 1);
        }
        assertThat(fixture.wecom.subscribed(fixture.bot)).as("the socket stayed").isTrue();
        assertThat(fixture.wecom.violations()).isEmpty();
    }

    /** The holds in a row of the stream's step, in the order they were logged. */
    private static List<Integer> holdsOf(CapturedLines lines, String streamId) {
        var holds = new ArrayList<Integer>();
        for (CapturedLines.Line line : lines.with("after-finish step held")) {
            Matcher matcher = HELD.matcher(line.message());
            if (matcher.find() && matcher.group(1).equals(streamId)) {
                holds.add(Integer.parseInt(matcher.group(2)));
            }
        }
        return holds;
    }

    /** The parts without a repeat that follows itself (the part in hand, sent again after the outage). */
    private static List<String> distinct(List<String> sent) {
        var parts = new ArrayList<String>();
        for (String part : sent) {
            if (parts.isEmpty() || !parts.get(parts.size() - 1).equals(part)) {
                parts.add(part);
            }
        }
        return parts;
    }
}
