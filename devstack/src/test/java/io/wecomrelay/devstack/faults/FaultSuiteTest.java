package io.wecomrelay.devstack.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import io.wecomrelay.devstack.FreePorts;
import io.wecomrelay.devstack.LocalStack;
import io.wecomrelay.devstack.Service;
import io.wecomrelay.devstack.ServiceInstance;
import io.wecomrelay.devstack.StackSettings;
import io.wecomrelay.schemas.bot.ReplyMode;
import io.wecomrelay.schemas.topic.Topics;
import io.wecomrelay.sim.dify.DifySimulator;
import io.wecomrelay.sim.dify.DifySimulatorConfig;
import io.wecomrelay.sim.wecomapi.WeComApiSimulator;
import io.wecomrelay.testkit.TestInfrastructure;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 13's fault suite: two instances of every service as {@code java -jar} processes, steady signed traffic
 * from four bots (two streaming, one response_url, one webhook), and one instance of each service SIGKILLed in
 * turn while replies stream, then started again. Prints what it counted, then checks that every message got
 * exactly one decision, Dify was asked again only for replies a dead worker left unfinished, every reply reached
 * its user complete (the webhook's in sending order), and no record went to a dead-letter topic.
 *
 * <p>Not part of {@code ./mvnw verify} (about ten minutes on two cores): run it with
 * {@code ./mvnw -B -pl devstack -am verify -Pfaults}.
 */
class FaultSuiteTest {

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    static final int INSTANCES = 2;
    /** Replies stream in 8 pieces 400 ms apart, as in the local stack: long enough to be killed mid-stream. */
    static final DifySimulatorConfig DIFY = DifySimulatorConfig.defaults().withCadence(8, Duration.ofMillis(400));
    /** Traffic meets the dead instance this long before it is started again. */
    static final Duration DOWN = Duration.ofSeconds(5);
    static final Duration FIRST_REPLIES = Duration.ofMinutes(3);
    static final Duration SETTLE = Duration.ofMinutes(3);
    static final Duration DRAIN = Duration.ofMinutes(5);

    private final List<AutoCloseable> resources = new ArrayList<>();

    /** One SIGKILL and what surrounded it. */
    record Kill(ServiceInstance victim, Duration at, int difyStreamsOpen, int workerInFlight, Duration restart,
                Duration settle, int unsettled) {

        String line() {
            return victim + " at +" + seconds(at) + " (" + difyStreamsOpen + " Dify streams open"
                    + (victim.service() == Service.LLM_WORKER ? ", " + workerInFlight + " replies in flight on it" : "")
                    + "; healthy again " + seconds(restart) + " after its restart, "
                    + (unsettled == 0 ? "every reply complete " + seconds(settle) + " later)" : unsettled + " replies still incomplete)");
        }
    }

    @Test
    @Timeout(value = 40, unit = TimeUnit.MINUTES)
    void everyServiceLosesAnInstanceMidStreamAndNoMessageIsLostOrAnsweredTwice() throws Exception {
        long started = System.nanoTime();
        DifySimulator dify = open(DifySimulator.start(DIFY));
        WeComApiSimulator wecomApi = open(WeComApiSimulator.start());
        List<FaultBot> bots = List.of(FaultBot.create("faults-stream-a-" + RUN, ReplyMode.PASSIVE_STREAM),
                FaultBot.create("faults-stream-b-" + RUN, ReplyMode.PASSIVE_STREAM),
                FaultBot.create("faults-url-" + RUN, ReplyMode.RESPONSE_URL),
                FaultBot.create("faults-hook-" + RUN, ReplyMode.WEBHOOK));
        bots.stream().filter(bot -> bot.webhookKey() != null).forEach(bot -> wecomApi.addWebhookKey(bot.webhookKey()));
        LocalStack stack = open(LocalStack.start(settings(bots, dify, wecomApi)));
        var front = new WecomFront(stack.instances(Service.INGRESS).stream().map(stack::callbackOrigin).toList());
        var ledger = new Ledger();
        var load = new Load(front, ledger, wecomApi, bots);
        resources.add(() -> load.stop(Duration.ZERO));
        var topics = new AuditTopics(stack.kafkaBootstrapServers());
        var victims = new Victims(stack, topics, bots);

        load.start();
        // positive control: the pipeline answers every kind of bot before anything is killed
        assertThat(await(FIRST_REPLIES, () -> ledger.answeredBots(wecomApi).size() == bots.size()))
                .as("a complete reply for every bot before the first kill").isTrue();
        var kills = new ArrayList<Kill>();
        for (Service service : Service.values()) {
            await(Duration.ofSeconds(60), () -> dify.openStreams() >= 2);
            ServiceInstance victim = victims.choose(service);
            int inFlight = service == Service.LLM_WORKER ? victims.workerInFlight(victim) : 0;
            int open = dify.openStreams();
            Duration at = Duration.ofNanos(System.nanoTime() - started);
            stack.kill(victim);
            Thread.sleep(DOWN.toMillis());
            long restarting = System.nanoTime();
            stack.restart(victim);
            long restarted = System.nanoTime();
            await(SETTLE, () -> ledger.unsettled(wecomApi).isEmpty());
            kills.add(new Kill(victim, at, open, inFlight, Duration.ofNanos(restarted - restarting),
                    Duration.ofNanos(System.nanoTime() - restarted), ledger.unsettled(wecomApi).size()));
        }
        load.stop(DRAIN);
        await(SETTLE, () -> ledger.unsettled(wecomApi).isEmpty());

        List<SentMessage> sent = ledger.sent();
        var decisions = DecisionCounts.of(sent, topics.readCommitted(
                List.of(Topics.ACCEPTED.name(), Topics.REJECTED.name()), Duration.ofMinutes(1)));
        var difyCounts = DifyCounts.of(sent, dify);
        var replies = ReplyCounts.of(sent, ledger, wecomApi);
        var deadLetters = new TreeMap<String, Integer>();
        for (String topic : topics.deadLetterTopics()) {
            deadLetters.put(topic, topics.readCommitted(List.of(topic), Duration.ofMinutes(1)).size());
        }
        int workerInFlight = kills.stream().mapToInt(Kill::workerInFlight).sum();

        System.out.println("\n==== fault suite: " + INSTANCES + " instances of every service, " + kills.size() + " SIGKILLs, "
                + seconds(Duration.ofNanos(System.nanoTime() - started)) + " (logs: devstack/target/faults/logs)");
        kills.forEach(kill -> System.out.println("kill: " + kill.line()));
        System.out.println("messages: " + sent.size() + " sent, " + sent.stream().filter(SentMessage::acknowledged).count()
                + " acknowledged " + byMode(sent) + "; " + front.callbacks() + " callbacks, " + front.failedCallbacks()
                + " failed, " + front.resentMessages() + " messages sent again with the same msgid to another instance, "
                + front.failedPolls() + " refresh polls failed");
        System.out.println(decisions.line());
        System.out.println(difyCounts.line(workerInFlight));
        System.out.println(replies.line());
        System.out.println("dead letters: " + deadLetters + "\n");

        assertThat(sent).as("messages no ingress instance acknowledged").allMatch(SentMessage::acknowledged);
        assertThat(decisions.problems()).as("messages without exactly one decision").isEmpty();
        assertThat(decisions.accepted()).as("accepted messages").isEqualTo(decisions.acknowledged());
        assertThat(decisions.unknown()).as("decisions on messages never sent").isZero();
        assertThat(difyCounts.withoutCall()).as("replies Dify was never asked for").isZero();
        assertThat(difyCounts.maxPerStream()).as("Dify calls of one reply: one, and one more after the worker kill").isLessThanOrEqualTo(2);
        assertThat(workerInFlight).as("replies in flight on the killed llm-worker (the kill hit work)").isPositive();
        assertThat(difyCounts.withExtra()).as("replies asked again after the worker kill").isBetween(1, workerInFlight);
        assertThat(replies.problems()).as("replies that did not reach their user complete and in order").isEmpty();
        assertThat(deadLetters.values()).as("records in dead-letter topics").allMatch(count -> count == 0);
    }

    @AfterEach
    void stopEverything() {
        for (AutoCloseable resource : reversed(resources)) {
            try {
                resource.close();
            } catch (Exception e) {
                System.err.println("stopping " + resource + " failed: " + e);
            }
        }
    }

    private StackSettings settings(List<FaultBot> bots, DifySimulator dify, WeComApiSimulator wecomApi) throws IOException {
        Path workDir = ROOT.resolve("devstack/target/faults");
        Files.createDirectories(workDir);
        var yaml = new StringBuilder("bots:\n");
        bots.forEach(bot -> yaml.append(bot.yaml(dify.baseUrl(), DifySimulatorConfig.DEFAULT_API_KEY)));
        Path botsFile = Files.writeString(workDir.resolve("bots.yaml"), yaml, StandardCharsets.UTF_8);
        var instances = new EnumMap<Service, Integer>(Service.class);
        for (Service service : Service.values()) {
            instances.put(service, INSTANCES);
        }
        return new StackSettings(ROOT, workDir, botsFile, instances, new FreePorts(), TestInfrastructure.kafkaBootstrapServers(),
                TestInfrastructure.redisUrl(), dify.baseUrl(), DifySimulatorConfig.DEFAULT_API_KEY, 0, 0,
                // relay.responder.delivery.wecom-api-base-url: the webhook goes to the simulator
                Map.of("RELAY_RESPONDER_DELIVERY_WECOMAPIBASEURL", wecomApi.baseUrl()), true);
    }

    private static List<AutoCloseable> reversed(List<AutoCloseable> list) {
        var copy = new ArrayList<>(list);
        Collections.reverse(copy);
        return copy;
    }

    private <T extends AutoCloseable> T open(T resource) {
        resources.add(resource);
        return resource;
    }

    /** Polls {@code condition} until it holds or {@code timeout} passes; true when it held. */
    private static boolean await(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(250);
        }
        return true;
    }

    private static Map<ReplyMode, Long> byMode(List<SentMessage> sent) {
        var counts = new EnumMap<ReplyMode, Long>(ReplyMode.class);
        sent.forEach(message -> counts.merge(message.bot().mode(), 1L, Long::sum));
        return counts;
    }

    static String seconds(Duration duration) {
        return duration.toSeconds() + " s";
    }
}
