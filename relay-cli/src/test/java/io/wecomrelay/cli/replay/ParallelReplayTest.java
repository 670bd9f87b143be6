package io.wecomrelay.cli.replay;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;

import io.wecomrelay.cli.Cli;
import io.wecomrelay.cli.Pipeline;
import io.wecomrelay.schemas.event.Decision;
import io.wecomrelay.schemas.event.EventMeta;
import io.wecomrelay.schemas.event.MessageReceived;
import io.wecomrelay.schemas.event.MessageRejected;
import io.wecomrelay.schemas.event.RejectReason;
import io.wecomrelay.schemas.topic.BotPartitions;
import io.wecomrelay.schemas.topic.Topics;
import io.wecomrelay.testkit.TestInfrastructure;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code relay replay} of every bot at once, its inbound partitions replayed on several threads: the bots of the test
 * file lie on different partitions of {@code wecom.inbound}, and their decisions (accepted, rate-limited, not allowed,
 * switched off) replay identically; a decision planted on a bot of a later partition (not the first one replayed) is
 * found, and the report is the same byte for byte whatever the number of threads; a record the processor cannot read
 * is counted as dead-lettered.
 */
class ParallelReplayTest {

    /** Days before the other replay tests' ranges, so that no other test's records fall into this one's. */
    private static final Instant T = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(10, ChronoUnit.DAYS);
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final String BOTS = ParallelReplayTest.class.getResource("/bots.yaml").getPath();
    private static final List<String> BOT_IDS = List.of("bot-a", "bot-b", "bot-off", "bot-strict", "bot-solo");

    private static String plantedBot;
    private static String plantedStream;

    @BeforeAll
    static void recordDecisions() {
        Pipeline.topics();
        int partitions = Topics.INBOUND.defaultPartitions();
        // the bot replayed last (the highest partition among the test's bots) gets the planted decision
        plantedBot = BOT_IDS.stream().max(Comparator.comparingInt(bot -> BotPartitions.of(bot, partitions))).orElseThrow();
        try (var pipeline = new Pipeline()) {
            for (int i = 0; i < 5; i++) {
                for (String bot : BOT_IDS) {
                    // bot-solo takes three a minute: its fourth and fifth are rate-limited; bot-strict allows no "user-"
                    pipeline.receive(Pipeline.text(bot, RUN + "-" + bot + "-" + i, "user-" + i, "question " + i,
                            T.plusSeconds(i)));
                }
            }
            MessageReceived planted = Pipeline.text(plantedBot, RUN + "-planted", "zhang.san", "question p", T.plus(5, ChronoUnit.MINUTES));
            pipeline.send(Topics.INBOUND.name(), plantedBot, planted, planted.meta().occurredAt().toEpochMilli());
            pipeline.decide(new MessageRejected(new EventMeta(UUID.randomUUID(), planted.meta().traceId(),
                    planted.meta().occurredAt()), plantedBot, planted.streamId(), planted.message(),
                    planted.meta().occurredAt(), RejectReason.RATE_LIMITED, "planted", new Decision("rate-limit", "0000planted")));
            plantedStream = planted.streamId();
        }
        // a record the processor cannot read (dead-lettered, no decision), on a partition of its own bot
        var settings = new HashMap<String, Object>();
        settings.put("bootstrap.servers", TestInfrastructure.kafkaBootstrapServers());
        try (var producer = new KafkaProducer<>(settings, new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.INBOUND.name(), null, T.plusSeconds(30).toEpochMilli(), "bot-a",
                    "not an event".getBytes(StandardCharsets.UTF_8))).get();
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theTestsBotsLieOnSeveralPartitions() {
        int partitions = Topics.INBOUND.defaultPartitions();
        assertThat(BOT_IDS.stream().map(bot -> BotPartitions.of(bot, partitions)).distinct().count())
                .as("several drivers replay at once only when the bots are spread").isGreaterThanOrEqualTo(3);
        assertThat(BOT_IDS.stream().mapToInt(bot -> BotPartitions.of(bot, partitions)).min().orElseThrow())
                .as("the planted bot is not on the first partition replayed")
                .isLessThan(BotPartitions.of(plantedBot, partitions));
    }

    @Test
    void everyBotReplaysIdenticallyOnSeveralThreads() {
        Cli.Result result = replay(T, T.plus(2, ChronoUnit.MINUTES), "--threads", "3");

        assertThat(result.code()).as(result.out() + result.err()).isZero();
        assertThat(result.out()).isBlank();
    }

    @Test
    void aDifferenceOnALaterPartitionIsFoundAndReportedAsOneThreadReportsIt() {
        Instant to = T.plus(10, ChronoUnit.MINUTES);
        Cli.Result parallel = replay(T, to, "--threads", "3", "--format", "jsonl");
        Cli.Result serial = replay(T, to, "--threads", "1", "--format", "jsonl");

        assertThat(parallel.code()).as(parallel.err()).isEqualTo(1);
        assertThat(parallel.lines()).singleElement().satisfies(line -> {
            assertThat(line.path("bot").asString()).isEqualTo(plantedBot);
            assertThat(line.path("stream").asString()).isEqualTo(plantedStream);
            assertThat(line.path("recorded").asString()).startsWith("rejected RATE_LIMITED rule=rate-limit policy=0000planted");
            assertThat(line.path("replayed").asString()).doesNotContain("0000planted");
        });
        assertThat(parallel.out()).isEqualTo(serial.out());
        assertThat(serial.code()).isEqualTo(1);
    }

    @Test
    void anUnreadableRecordIsCountedDeadLetteredAndDecidesNothing() {
        // not --quiet: the summary line says how many records of the range were dead-lettered
        Cli.Result result = Cli.run(Pipeline.clockAt(T.plus(1, ChronoUnit.HOURS)), "replay", "--bootstrap-servers",
                TestInfrastructure.kafkaBootstrapServers(), "--bots", BOTS, "--from", T.toString(),
                "--to", T.plus(2, ChronoUnit.MINUTES).toString(), "--threads", "2");

        assertThat(result.code()).as(result.out() + result.err()).isZero();
        assertThat(result.err()).contains("replayed 25 decisions").contains(": 0 differences, 1 records unreadable (dead-lettered)");
    }

    private static Cli.Result replay(Instant from, Instant to, String... more) {
        var args = new ArrayList<>(List.of("replay", "--bots", BOTS, "--from", from.toString(), "--to", to.toString()));
        args.addAll(List.of(more));
        return Cli.onBroker(Pipeline.clockAt(T.plus(1, ChronoUnit.HOURS)), 1, args.toArray(String[]::new));
    }
}
