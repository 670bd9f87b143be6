package io.wecomrelay.benchmarks.suites;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;

import io.wecomrelay.benchmarks.Bench;
import io.wecomrelay.benchmarks.Table;
import io.wecomrelay.benchmarks.infra.BenchBots;
import io.wecomrelay.benchmarks.infra.BenchStack;
import io.wecomrelay.benchmarks.infra.BulkProducer;
import io.wecomrelay.benchmarks.infra.Events;
import io.wecomrelay.schemas.event.EventSerde;
import io.wecomrelay.schemas.event.InboundMessage;
import io.wecomrelay.schemas.event.MessageReceived;
import io.wecomrelay.schemas.topic.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Replay: 1M {@code message-received.v1} events already on {@code wecom.inbound} (200 bots, a day's
 * traffic spread over the last 20 hours in record time, 1 % WeCom retries), then the processor jar
 * started with a fresh application id: the time until its committed offsets cover all of them (under
 * exactly-once, an input offset is committed in the same transaction as its decision). The baseline
 * in the same run is a plain read_committed consumer reading the same records (the broker's floor).
 */
public final class ReplayBench implements Bench.Suite {

    static final int EVENTS = 1_000_000;
    static final int BOTS = 200;
    static final double RETRY_SHARE = 0.01;
    /** The record times the events are spread over, ending a minute before they are produced. */
    static final Duration SPAN = Duration.ofHours(20);

    @Override
    public String name() {
        return "replay";
    }

    @Override
    public Table run(Bench.Context context) throws Exception {
        int events = context.quick() ? EVENTS / 20 : EVENTS;
        try (var stack = BenchStack.start(context.root(), context.results(), name())) {
            Path botsFile = stack.work().resolve("bots.yaml");
            List<BenchBots.Bot> bots = BenchBots.write(botsFile, BOTS, "http://127.0.0.1:9/v1", "app-unused", 20);
            String topic = Topics.INBOUND.name();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka()))) {
                admin.createTopics(List.of(new NewTopic(topic, Topics.INBOUND.defaultPartitions(), (short) 1))).all().get();
            }
            context.log("producing " + events + " inbound events");
            double produceSeconds = produce(stack.kafka(), topic, bots, events);
            context.log("produced in " + Table.fmt(produceSeconds) + " s; baseline: plain read_committed consumer");
            double readSeconds = readAll(stack.kafka(), topic, events);
            context.log("read in " + Table.fmt(readSeconds) + " s; starting the processor with a fresh application id");

            String applicationId = "bench-replay-" + UUID.randomUUID();
            long launched = System.nanoTime();
            var processor = stack.service("processor", botsFile, BenchStack.SERVICE_JVM,
                    Map.of("RELAY_PROCESSOR_APPLICATION_ID", applicationId), List.of());
            double healthySeconds = (System.nanoTime() - launched) / 1e9;
            double firstCommit = Double.NaN;
            double done = Double.NaN;
            long committed = 0;
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka()))) {
                long deadline = System.nanoTime() + Duration.ofMinutes(context.quick() ? 3 : 8).toNanos();
                while (System.nanoTime() < deadline) {
                    committed = committed(admin, applicationId, topic);
                    double at = (System.nanoTime() - launched) / 1e9;
                    if (committed > 0 && Double.isNaN(firstCommit)) {
                        firstCommit = at;
                    }
                    if (committed >= events) {
                        done = at;
                        break;
                    }
                    Thread.sleep(250);
                }
                long deadLetters = endOffsets(admin, topic + ".dlt");
                var table = new Table("replay: " + events + " inbound events through the processor topology from a fresh application id "
                        + "(exactly-once v2, 6 partitions, 1 stream thread, defaults)",
                        "what", "seconds", "events/s", "baseline: plain consumer s", "baseline events/s", "ratio (time)");
                double processing = done - firstCommit;
                table.row("processor jar: launch -> all decisions committed", done, events / done, readSeconds, events / readSeconds,
                        Table.ratio(done / readSeconds));
                table.row("  of which launch -> first commit (JVM, Spring, rebalance)", firstCommit, "-", "-", "-", "-");
                table.row("  of which first commit -> all committed", processing, events / processing, readSeconds,
                        events / readSeconds, Table.ratio(processing / readSeconds));
                table.note("target: 1M-event replay <= 60 s: " + (Double.isNaN(done) ? "not finished (" + committed
                        + " committed)" : Table.fmt(done) + " s from launch") + " " + Table.metOrMissed(!Double.isNaN(done) && done <= 60
                        && events >= EVENTS));
                table.note("events: " + BOTS + " bots, ~" + (int) (RETRY_SHARE * 100) + " % retries (rejected as duplicates), the rest "
                        + "within the 20/min rate limit; producing them took " + Table.fmt(produceSeconds) + " s; processor healthy "
                        + Table.fmt(healthySeconds) + " s after launch; dead letters: " + deadLetters + ".");
                stack.stop(processor.process());
                return table;
            }
        }
    }

    /** Produces {@code events} inbound events spread over the last 20 hours of record time; returns seconds. */
    static double produce(String kafka, String topic, List<BenchBots.Bot> bots, int events) throws Exception {
        var serde = EventSerde.of(MessageReceived.class);
        long span = SPAN.toMillis();
        long from = System.currentTimeMillis() - span - 60_000;
        int retryEvery = (int) Math.round(1 / RETRY_SHARE);
        long started = System.nanoTime();
        try (var producer = new BulkProducer(kafka)) {
            for (int i = 0; i < events; i++) {
                // every retryEvery-th event repeats the msgid of the event a few hundred before it (same bot: the bot
                // follows the msgid's event); not BOTS before, which is a multiple of retryEvery and so a retry itself,
                // whose msgid no event had
                int original = i % retryEvery == retryEvery - 1 && i >= 1000 ? i - BOTS - 1 : i;
                var bot = bots.get(original % bots.size());
                long timestamp = from + span * i / events;
                InboundMessage message = Events.text(bot.id(), "replay-" + original, "user-" + (original % 5000),
                        "帮我查一下明天的会议安排，谢谢 #" + original);
                MessageReceived event = Events.received(bot.id(), message, Instant.ofEpochMilli(timestamp));
                producer.send(Events.record(topic, bot.id(), event, MessageReceived.TYPE, serde.serialize(topic, event), timestamp));
            }
        }
        return (System.nanoTime() - started) / 1e9;
    }

    /** Reads every record of {@code topic} with a plain read_committed consumer; returns seconds. */
    static double readAll(String kafka, String topic, int events) {
        var props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-read-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        long started = System.nanoTime();
        long read = 0;
        try (var consumer = new KafkaConsumer<String, byte[]>(props)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (read < events && System.nanoTime() < deadline) {
                read += consumer.poll(Duration.ofMillis(200)).count();
            }
        }
        return (System.nanoTime() - started) / 1e9;
    }

    static long committed(Admin admin, String groupId, String topic) throws InterruptedException {
        try {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(groupId)
                    .partitionsToOffsetAndMetadata().get();
            return offsets.entrySet().stream().filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                    .mapToLong(e -> e.getValue().offset()).sum();
        } catch (ExecutionException e) {
            return 0;
        }
    }

    private static long endOffsets(Admin admin, String topic) throws InterruptedException {
        try {
            var description = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
            var request = new java.util.HashMap<TopicPartition, OffsetSpec>();
            description.partitions().forEach(p -> request.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
            return admin.listOffsets(request).all().get().values().stream().mapToLong(info -> info.offset()).sum();
        } catch (ExecutionException e) {
            return -1;
        }
    }
}
