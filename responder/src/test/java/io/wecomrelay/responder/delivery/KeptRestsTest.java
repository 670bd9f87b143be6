package io.wecomrelay.responder.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wecomrelay.responder.LogCapture;
import io.wecomrelay.responder.TestChunks;
import io.wecomrelay.responder.TestRedis;
import io.wecomrelay.schemas.bot.BotConfig;
import io.wecomrelay.schemas.bot.BotRegistryLoader;
import io.wecomrelay.schemas.event.ReplyChunk;
import io.wecomrelay.schemas.stream.AnswerRestKeys;
import io.wecomrelay.support.redis.LuaScripts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.core.script.RedisScript;

/**
 * The keep script against the take script the llm-worker runs (both from schemas), on real Redis: whatever the order of
 * keeps, a lost response_url message and takes, the user sees every part once, in order.
 */
class KeptRestsTest {

    static final String NOTE = KeptRests.DEFAULT_NOTE.replace(KeptRests.WORD, "继续");
    static final String USER = "zhangsan";

    @SuppressWarnings("rawtypes")
    static final RedisScript<List> TAKE = LuaScripts.load(AnswerRestKeys.TAKE_SCRIPT, List.class);

    static TestRedis redis;
    static BotConfig bot;

    final KeptRests rests = new KeptRests(redis.reactive(), new KeptRests.Settings(KeptRests.DEFAULT_NOTE,
            Duration.ofMinutes(5)), new SimpleMeterRegistry());
    final TestChunks stream = TestChunks.stream("bot-stream").receivedAt(Instant.now());
    final ReplyChunk source = stream.last(1, 0, "the answer");
    /** The rest past the stream: the response_url message shows p1, the others are kept. */
    final List<String> parts = List.of("p1", "p2", "p3", "p4");

    @BeforeAll
    static void connect() throws Exception {
        redis = new TestRedis();
        Path file = Files.createTempFile("bots", ".yaml");
        Files.writeString(file, """
                bots:
                  - id: bot-stream
                    token: tok
                    aes-key: abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG
                    dify: { base-url: http://127.0.0.1:9/v1, api-key: k, allow-insecure-http: true }
                    reply-mode: passive_stream
                """, StandardCharsets.UTF_8);
        bot = new BotRegistryLoader(name -> null).load(file).find("bot-stream").orElseThrow();
        Files.delete(file);
    }

    @AfterAll
    static void disconnect() {
        redis.close();
    }

    @Test
    void aLostMessageIsShownFirstThenOnlyThePartsNotTakenYet() {
        assertThat(keep(parts.subList(1, 4), false)).isEqualTo(3);
        assertThat(take()).isEqualTo("p2" + NOTE);

        try (var logs = new LogCapture()) {
            assertThat(keep(parts, true)).as("p1 in front of p3 and p4, not the four passed").isEqualTo(3);
            assertThat(logs.lines()).filteredOn(line -> line.startsWith("rest of a long answer kept"))
                    .singleElement().asString().contains("parts=3 lost=true");
        }

        assertThat(takeAll()).containsExactly("p1" + NOTE, "p3" + NOTE, "p4");
    }

    @Test
    void aLostMessageAfterEveryPartWasTakenKeepsOnlyItsOwnPart() {
        assertThat(keep(parts.subList(1, 4), false)).isEqualTo(3);
        assertThat(takeAll()).containsExactly("p2" + NOTE, "p3" + NOTE, "p4");

        assertThat(keep(parts, true)).isEqualTo(1);

        assertThat(takeAll()).containsExactly("p1");
    }

    @Test
    void aLostMessageWithNoRestKeptKeepsEveryPart() {
        assertThat(keep(parts, true)).isEqualTo(4);

        assertThat(takeAll()).containsExactly("p1" + NOTE, "p2" + NOTE, "p3" + NOTE, "p4");
    }

    @Test
    void aRedoOfTheJobAfterEverythingWasTakenKeepsNothingAgain() {
        assertThat(keep(parts.subList(1, 4), false)).isEqualTo(3);
        takeAll();

        // the redo keeps again, its message fails again: a first time round, then lost
        assertThat(keep(parts.subList(1, 4), false)).isZero();
        assertThat(keep(parts, true)).isEqualTo(1);
        assertThat(keep(parts.subList(1, 4), false)).isZero();
        assertThat(keep(parts, true)).isZero();

        assertThat(takeAll()).containsExactly("p1");
    }

    @Test
    void aRedoWhoseMessageFailsAgainDoesNotShowTheLostPartTwice() {
        assertThat(keep(parts.subList(1, 4), false)).isEqualTo(3);
        assertThat(keep(parts, true)).isEqualTo(4);
        assertThat(take()).isEqualTo("p1" + NOTE);

        assertThat(keep(parts.subList(1, 4), false)).isZero();
        assertThat(keep(parts, true)).isZero();

        assertThat(takeAll()).containsExactly("p2" + NOTE, "p3" + NOTE, "p4");
    }

    @Test
    void aLostMessageOfAnOlderAnswerLeavesTheNewerRestAlone() {
        ReplyChunk newer = stream.next().receivedAt(Instant.now().plusSeconds(60)).last(1, 0, "newer");
        assertThat(rests.keep(bot, newer, USER, List.of("n2", "n3"), false).block()).isEqualTo(2);

        assertThat(keep(parts, true)).isZero();

        assertThat(takeAll()).containsExactly("n2" + NOTE, "n3");
    }

    /** What {@link KeptRests#keep} says it kept. */
    private Integer keep(List<String> kept, boolean lost) {
        return rests.keep(bot, source, USER, kept, lost).block(Duration.ofSeconds(5));
    }

    /** One continue word of the asker, as the llm-worker takes it: the part shown, or null when there was none. */
    private String take() {
        String message = "continue-" + UUID.randomUUID();
        List<?> reply = redis.template().execute(TAKE, List.of(AnswerRestKeys.key(bot.id(), source.conversationKey()),
                AnswerRestKeys.takenKey(message)), USER, "60000");
        return "none".equals(reply.get(0)) ? null : String.valueOf(reply.get(1));
    }

    private List<String> takeAll() {
        var shown = new ArrayList<String>();
        for (String part = take(); part != null; part = take()) {
            shown.add(part);
        }
        return shown;
    }
}
