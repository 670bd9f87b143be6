package io.wecomrelay.cli.replay;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import io.wecomrelay.cli.Cli;
import io.wecomrelay.cli.Pipeline;
import io.wecomrelay.schemas.event.Decision;
import io.wecomrelay.schemas.event.EventMeta;
import io.wecomrelay.schemas.event.MessageAccepted;
import io.wecomrelay.schemas.event.MessageReceived;
import io.wecomrelay.schemas.event.MessageRejected;
import io.wecomrelay.schemas.event.RejectReason;
import io.wecomrelay.schemas.topic.Topics;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code relay replay} against the real broker: the processor's decisions, made by its own topology, replay
 * identically; a decision planted on the rejected topic (the processor would have accepted the message) is
 * reported with both decisions.
 */
class ReplayTest {

    private static final String BOT = "bot-a";
    private static final Instant T = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(3, ChronoUnit.HOURS);
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final String BOTS = ReplayTest.class.getResource("/bots.yaml").getPath();

    private static String orphanStream;

    @BeforeAll
    static void recordDecisions() {
        Pipeline.topics();
        try (var pipeline = new Pipeline()) {
            // untouched: ten messages, one of them retried (a DUPLICATE), decided by the processor's topology
            for (int i = 0; i < 10; i++) {
                pipeline.receive(Pipeline.text(BOT, RUN + "-" + i, "user-" + i, "question " + i, T.plusSeconds(i)));
            }
            pipeline.receive(Pipeline.text(BOT, RUN + "-3", "user-3", "question 3", T.plusSeconds(20)));
            // planted: an hour later, a message recorded as rate-limited that the rules accept
            MessageReceived planted = Pipeline.text(BOT, RUN + "-planted", "user-p", "question p", T.plus(1, ChronoUnit.HOURS));
            pipeline.send(Topics.INBOUND.name(), BOT, planted, planted.meta().occurredAt().toEpochMilli());
            pipeline.decide(new MessageRejected(new EventMeta(UUID.randomUUID(), planted.meta().traceId(),
                    planted.meta().occurredAt()), BOT, planted.streamId(), planted.message(), planted.meta().occurredAt(),
                    RejectReason.RATE_LIMITED, "planted", new Decision("rate-limit", "0000planted")));
            // orphan: two hours later, a recorded decision whose message never reached wecom.inbound
            Instant at = T.plus(2, ChronoUnit.HOURS);
            MessageReceived orphan = Pipeline.text(BOT, RUN + "-orphan", "user-o", "question o", at);
            pipeline.decide(new MessageAccepted(new EventMeta(UUID.randomUUID(), orphan.meta().traceId(), at), BOT,
                    orphan.streamId(), BOT + ":u:user-o", orphan.message(), at, new Decision("accept", "0000orphan")));
            orphanStream = orphan.streamId();
        }
    }

    @Test
    void anUntouchedRangeReplaysIdentically() {
        Cli.Result result = replay(T, T.plus(30, ChronoUnit.MINUTES));

        assertThat(result.code()).as(result.out() + result.err()).isZero();
        assertThat(result.out()).isBlank();
    }

    @Test
    void aPlantedDifferenceIsReportedWithBothDecisions() {
        Cli.Result result = replay(T.plus(50, ChronoUnit.MINUTES), T.plus(70, ChronoUnit.MINUTES), "--format", "jsonl");

        assertThat(result.code()).as(result.err()).isEqualTo(1);
        assertThat(result.lines()).singleElement().satisfies(line -> {
            assertThat(line.path("recorded").asString()).startsWith("rejected RATE_LIMITED rule=rate-limit policy=0000planted");
            assertThat(line.path("replayed").asString()).startsWith("accepted rule=accept");
            assertThat(line.path("note").asString()).contains("0000planted");
        });
    }

    @Test
    void aRecordedDecisionWithoutItsInboundRecordIsReportedWithItsText() {
        Cli.Result result = replay(T.plus(110, ChronoUnit.MINUTES), T.plus(130, ChronoUnit.MINUTES), "--format", "jsonl");

        assertThat(result.code()).as(result.err()).isEqualTo(1);
        assertThat(result.lines()).singleElement().satisfies(line -> {
            assertThat(line.path("stream").asString()).isEqualTo(orphanStream);
            assertThat(line.path("recorded").asString()).isEqualTo("accepted rule=accept policy=0000orphan conversation="
                    + BOT + ":u:user-o");
            assertThat(line.path("replayed").asString()).isEqualTo("(none)");
            assertThat(line.path("note").asString()).isEqualTo("recorded decision without its inbound record in the range");
        });
    }

    @Test
    void eachRecordIsReplayedWithTheBotsFileVersionItsDecisionNames(@TempDir Path dir) throws IOException {
        // a later version that switches bot-a off, given last (as the current file): the range was decided before it
        Path later = dir.resolve("bots-later.yaml");
        Files.writeString(later, Files.readString(Path.of(BOTS)).replace("api-key: app-a, allow-insecure-http: true }",
                "api-key: app-a, allow-insecure-http: true }\n    auth: { enabled: false }"));

        Cli.Result result = replay(T, T.plus(30, ChronoUnit.MINUTES), "--bots", later.toString());

        assertThat(result.code()).as(result.out() + result.err()).isZero();
    }

    private static Cli.Result replay(Instant from, Instant to, String... more) {
        var args = new java.util.ArrayList<>(java.util.List.of("replay", "--bot", BOT, "--bots", BOTS,
                "--from", from.toString(), "--to", to.toString()));
        args.addAll(java.util.List.of(more));
        return Cli.onBroker(Pipeline.clockAt(T.plus(4, ChronoUnit.HOURS)), 1, args.toArray(String[]::new));
    }
}
