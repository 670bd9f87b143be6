package io.wecomrelay.benchmarks.suites;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.wecomrelay.benchmarks.Bench;
import io.wecomrelay.benchmarks.Table;
import io.wecomrelay.benchmarks.infra.BenchStack;
import io.wecomrelay.benchmarks.infra.BulkProducer;
import io.wecomrelay.benchmarks.infra.Events;
import io.wecomrelay.benchmarks.infra.RawScan;
import io.wecomrelay.benchmarks.infra.RelayRun;
import io.wecomrelay.schemas.event.DeliveryOutcome;
import io.wecomrelay.schemas.event.DeliveryRecorded;
import io.wecomrelay.schemas.event.EventSerde;
import io.wecomrelay.schemas.event.InboundMessage;
import io.wecomrelay.schemas.event.MessageAccepted;
import io.wecomrelay.schemas.event.MessageReceived;
import io.wecomrelay.schemas.event.MessageRejected;
import io.wecomrelay.schemas.event.RejectReason;
import io.wecomrelay.schemas.event.RelayEvent;
import io.wecomrelay.schemas.event.ReplyChunk;
import io.wecomrelay.schemas.topic.BotPartitions;
import io.wecomrelay.schemas.topic.Topics;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code relay conversation}: one bot's 24-hour transcript out of about 1M events. The data set, written straight
 * to the topics with a producer: 48 hours of traffic of 200 bots, one message a second; each message has its
 * inbound event, its decision (96 % accepted, keyed by conversation key; 4 % rate-limited, keyed by stream id), for
 * an accepted one four reply chunks over three seconds and, for 30 %, a response_url delivery (a fifth of those
 * retried once). The bot exported sends 2 % of the messages. Two ranges: {@code --since 24h} (the second day, up to
 * now) and {@code --from/--to} the first day (a range with a day of records after it). Each is timed in this JVM
 * (the command classes) and as {@code ./relay} runs it (a fresh JVM: start-up, peak RSS, heap after GC). Baseline
 * in the same run: a plain consumer reading, without decoding, the records of the same partitions from the same
 * start (the bot's partition of {@code wecom.inbound}; every partition of the decision, chunk and delivery topics
 * from the range's start to its end plus the 15-minute settle).
 */
public final class ConversationBench implements Bench.Suite {

    static final int EVENTS = 1_000_000;
    static final int BOTS = 200;
    static final double TARGET_SHARE = 0.02;
    static final Duration SPAN = Duration.ofHours(48);
    static final Duration DAY = Duration.ofHours(24);
    static final Duration SETTLE = Duration.ofMinutes(15);
    /** Events per message on average: inbound, decision, 0.96 x (4 chunks + 0.3 x 1.2 deliveries). */
    static final double EVENTS_PER_MESSAGE = 1 + 1 + 0.96 * (4 + 0.3 * 1.2);

    private static final Pattern MESSAGES = Pattern.compile(", (\\d+) messages");
    private static final String[] QUESTIONS = {"帮我查一下明天的会议安排", "请总结一下这份周报的要点", "报销流程需要哪些材料？",
        "下周二北京的天气怎么样", "把这段话翻译成英文：我们下周见", "客户投诉的处理规范是什么"};
    private static final String[] ANSWERS = {"好的，我来为您查询。", "根据公司制度，报销需要提供发票原件、审批单和付款凭证，",
        "明天上午十点有产品评审会，下午三点有客户电话会议，", "以下是要点：一、项目进度正常；二、预算执行率百分之八十；三、风险可控。",
        "如有其他问题，请随时告诉我。"};

    @Override
    public String name() {
        return "cli-conversation";
    }

    /** What the data set holds for the exported bot. */
    private record DataSet(long events, double seconds, String bot, Instant start, List<Instant> targetMessages) {

        long messagesIn(Instant from, Instant to) {
            return targetMessages.stream().filter(at -> !at.isBefore(from) && at.isBefore(to)).count();
        }
    }

    @Override
    public Table run(Bench.Context context) throws Exception {
        int events = context.quick() ? EVENTS / 10 : EVENTS;
        try (var stack = BenchStack.start(context.root(), context.results(), name())) {
            String kafka = stack.kafka();
            RelayRun.Result created = RelayRun.inProcess(List.of("topics", "create", "--bootstrap-servers", kafka, "--quiet"));
            if (created.code() != 0) {
                throw new IllegalStateException("relay topics create failed: " + created.err());
            }
            context.log("producing about " + events + " events (48 h, " + BOTS + " bots)");
            DataSet data = produce(kafka, events);
            context.log("produced " + data.events() + " events in " + Table.fmt(data.seconds()) + " s");
            var table = new Table("cli-conversation: relay conversation of one bot (" + (int) (TARGET_SHARE * 100) + " % of "
                    + "the traffic) out of " + data.events() + " events on inbound, accepted, rejected, chunks and deliveries",
                    "range", "run", "seconds", "CPU s", "messages (expected)", "peak RSS MB", "heap after GC MB",
                    "baseline: plain consumer s", "baseline records", "ratio (time)");

            Instant now = Instant.now();
            Instant sinceFrom = now.minus(DAY);
            RawScan.Result sinceBase = baseline(kafka, data.bot(), sinceFrom, Instant.MAX);
            context.log("baseline (since 24h): " + sinceBase.perTopic() + " in " + Table.fmt(sinceBase.seconds()) + " s");
            List<String> since = List.of("conversation", "--bot", data.bot(), "--since", "24h", "--bootstrap-servers", kafka);
            measure(context, table, "--since 24h", since, () -> data.messagesIn(Instant.now().minus(DAY), Instant.MAX),
                    sinceBase, stack.logs());

            Instant dayFrom = data.start();
            Instant dayTo = dayFrom.plus(DAY);
            RawScan.Result dayBase = baseline(kafka, data.bot(), dayFrom, dayTo.plus(SETTLE));
            context.log("baseline (first day): " + dayBase.perTopic() + " in " + Table.fmt(dayBase.seconds()) + " s");
            List<String> day = List.of("conversation", "--bot", data.bot(), "--from", dayFrom.toString(), "--to",
                    dayTo.toString(), "--bootstrap-servers", kafka);
            measure(context, table, "--from/--to (first day)", day, () -> data.messagesIn(dayFrom, dayTo), dayBase, stack.logs());

            table.note("target: a 24-hour export of one bot out of 1M events <= 30 s (as ./relay runs it, JVM start "
                    + "included). Messages: the transcript's count (its heading) against the bot's messages in the range "
                    + "as produced (--since 24h: counted a moment before the run, so a message at the range's start may "
                    + "differ by one).");
            table.note("data: " + data.events() + " events produced in " + Table.fmt(data.seconds()) + " s; the bot "
                    + data.bot() + " sent " + data.targetMessages().size() + " messages in 48 h. In-process runs share "
                    + "this harness JVM (-Xmx2g, ParallelGC); the fresh JVM is java -jar with no options (what ./relay "
                    + "runs), plus a GC log.");
            return table;
        }
    }

    private static void measure(Bench.Context context, Table table, String range, List<String> args, LongSupplier messages,
                                RawScan.Result baseline, Path logs) throws Exception {
        for (String run : List.of("in process, 1st", "in process, 2nd", "fresh JVM (./relay)")) {
            long expected = messages.getAsLong();
            RelayRun.Result result = run.startsWith("fresh")
                    ? RelayRun.freshJvm(context.root(), logs, "conversation-" + (range.startsWith("--since") ? "since" : "day"), args)
                    : RelayRun.inProcess(args);
            if (result.code() != 0) {
                throw new IllegalStateException("relay conversation exited " + result.code() + ": " + result.err());
            }
            context.log(range + ", " + run + ": " + Table.fmt(result.seconds()) + " s");
            table.row(range, run, result.seconds(), result.cpuSeconds(), exported(result.out()) + " (" + expected + ")", result.peakRssMiB(),
                    result.maxHeapAfterGcMiB(), baseline.seconds(), baseline.records(),
                    Table.ratio(result.seconds() / baseline.seconds()));
        }
    }

    private static String exported(String out) {
        Matcher matcher = MESSAGES.matcher(out);
        return matcher.find() ? matcher.group(1) : "?";
    }

    /** The records the command must read, read raw: the bot's inbound partition from {@code from}, every other partition until {@code to}. */
    private static RawScan.Result baseline(String kafka, String bot, Instant from, Instant to) {
        var partitions = new ArrayList<TopicPartition>();
        partitions.add(new TopicPartition(Topics.INBOUND.name(), BotPartitions.of(bot, Topics.INBOUND.defaultPartitions())));
        for (var topic : List.of(Topics.ACCEPTED, Topics.REJECTED, Topics.CHUNKS, Topics.DELIVERIES)) {
            for (int p = 0; p < topic.defaultPartitions(); p++) {
                partitions.add(new TopicPartition(topic.name(), p));
            }
        }
        return RawScan.read(kafka, partitions, from.toEpochMilli(), to == Instant.MAX ? Long.MAX_VALUE : to.toEpochMilli());
    }

    /** Writes about {@code events} events, one message a second over the last 48 hours, in time order. */
    private static DataSet produce(String kafka, int events) {
        var random = new Random(15);
        int messages = (int) Math.round(events / EVENTS_PER_MESSAGE);
        long spacingMs = SPAN.toMillis() / messages;
        Instant start = Instant.now().minus(SPAN).minus(Duration.ofMinutes(5)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        List<String> bots = new ArrayList<>();
        for (int i = 0; i < BOTS; i++) {
            bots.add("bench-bot-%04d".formatted(i));
        }
        String target = bots.get(7);
        var targetMessages = new ArrayList<Instant>();
        var serde = EventSerde.any();
        long written = 0;
        long started = System.nanoTime();
        try (var producer = new BulkProducer(kafka)) {
            for (int i = 0; i < messages; i++) {
                Instant at = start.plusMillis(spacingMs * i);
                String bot = random.nextDouble() < TARGET_SHARE ? target : bots.get(random.nextInt(BOTS));
                if (bot.equals(target)) {
                    targetMessages.add(at);
                }
                InboundMessage message = Events.text(bot, "conv-" + i, "user-" + random.nextInt(20_000),
                        QUESTIONS[random.nextInt(QUESTIONS.length)] + " #" + i);
                MessageReceived received = Events.received(bot, message, at);
                written += send(producer, serde, Topics.INBOUND.name(), bot, received, MessageReceived.TYPE, at);
                if (random.nextDouble() < 0.04) {
                    MessageRejected rejected = Events.rejected(received, RejectReason.RATE_LIMITED,
                            "limit of 20 accepted messages per rolling minute reached", "rate-limit");
                    written += send(producer, serde, Topics.REJECTED.name(), received.streamId(), rejected, MessageRejected.TYPE, at);
                    continue;
                }
                MessageAccepted accepted = Events.accepted(bot, message, at);
                written += send(producer, serde, Topics.ACCEPTED.name(), accepted.conversationKey(), accepted, MessageAccepted.TYPE, at);
                for (int seq = 0; seq < 4; seq++) {
                    Instant chunkAt = at.plusMillis(1000 + 650L * seq);
                    ReplyChunk chunk = Events.chunk(accepted, seq, ANSWERS[random.nextInt(ANSWERS.length)], seq == 3, chunkAt);
                    written += send(producer, serde, Topics.CHUNKS.name(), accepted.conversationKey(), chunk, ReplyChunk.TYPE, chunkAt);
                }
                if (random.nextDouble() < 0.3) {
                    int attempt = 1;
                    if (random.nextDouble() < 0.2) {
                        written += deliver(producer, serde, accepted, attempt++, DeliveryOutcome.RETRYING, at.plusSeconds(4));
                    }
                    written += deliver(producer, serde, accepted, attempt, DeliveryOutcome.DELIVERED, at.plusSeconds(5));
                }
            }
        }
        return new DataSet(written, (System.nanoTime() - started) / 1e9, target, start, targetMessages);
    }

    private static int deliver(BulkProducer producer, EventSerde<RelayEvent> serde, MessageAccepted accepted,
                               int attempt, DeliveryOutcome outcome, Instant at) {
        DeliveryRecorded delivery = Events.delivery(accepted, attempt, outcome, at);
        return send(producer, serde, Topics.DELIVERIES.name(), accepted.streamId(), delivery, DeliveryRecorded.TYPE, at);
    }

    private static int send(BulkProducer producer, EventSerde<RelayEvent> serde, String topic, String key,
                            RelayEvent event, String type, Instant at) {
        producer.send(Events.record(topic, key, event, type, serde.serialize(topic, event), at.toEpochMilli()));
        return 1;
    }
}
