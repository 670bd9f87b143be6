package io.wecomrelay.devstack.faults;

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
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * One fault run: {@value #INSTANCES} instances of every service as {@code java -jar} processes against the test
 * JVM's broker and Redis, the Dify and WeCom API simulators, steady traffic from four bots (two streaming, one
 * response_url, one webhook), and one instance of each service SIGKILLed in turn while replies stream, then
 * started again. Every wait is bounded; the run ends by itself.
 */
final class FaultScenario implements AutoCloseable {

    static final int INSTANCES = 2;
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path WORK_DIR = ROOT.resolve("devstack/target/faults");
    /** Replies stream in 8 pieces 400 ms apart, as in the local stack: long enough to be killed mid-stream. */
    private static final DifySimulatorConfig DIFY = DifySimulatorConfig.defaults().withCadence(8, Duration.ofMillis(400));
    /** Traffic meets the dead instance this long before it is started again. */
    private static final Duration DOWN = Duration.ofSeconds(5);
    private static final Duration FIRST_REPLIES = Duration.ofMinutes(3);
    private static final Duration MID_STREAM = Duration.ofMinutes(1);
    /** Covers a consumer group noticing a dead member (session.timeout.ms, 45 s) and the backlog after it. */
    private static final Duration SETTLE = Duration.ofMinutes(3);
    private static final Duration DRAIN = Duration.ofMinutes(5);

    private final List<AutoCloseable> resources = new ArrayList<>();
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    FaultResults run() throws IOException, InterruptedException {
        long started = System.nanoTime();
        DifySimulator dify = open(DifySimulator.start(DIFY));
        WeComApiSimulator wecomApi = open(WeComApiSimulator.start());
        List<FaultBot> bots = List.of(FaultBot.create("faults-stream-a-" + run, ReplyMode.PASSIVE_STREAM),
                FaultBot.create("faults-stream-b-" + run, ReplyMode.PASSIVE_STREAM),
                FaultBot.create("faults-url-" + run, ReplyMode.RESPONSE_URL),
                FaultBot.create("faults-hook-" + run, ReplyMode.WEBHOOK));
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
        if (!await(FIRST_REPLIES, () -> ledger.answeredBots(wecomApi).size() == bots.size())) {
            throw new IllegalStateException("no complete reply for every bot within " + FIRST_REPLIES + " before any kill");
        }
        var kills = new ArrayList<FaultResults.Kill>();
        for (Service service : Service.values()) {
            await(MID_STREAM, () -> dify.openStreams() >= 2);
            ServiceInstance victim = victims.choose(service);
            int inFlight = service == Service.LLM_WORKER ? victims.workerInFlight(victim) : 0;
            int open = dify.openStreams();
            Duration at = Duration.ofNanos(System.nanoTime() - started);
            stack.kill(victim);
            Thread.sleep(DOWN.toMillis());
            long restarting = System.nanoTime();
            stack.restart(victim);
            long restarted = System.nanoTime();
            int sentUntilRestarted = ledger.sentCount();
            await(SETTLE, () -> ledger.unsettled(wecomApi, sentUntilRestarted).isEmpty());
            kills.add(new FaultResults.Kill(victim, at, open, inFlight, Duration.ofNanos(restarted - restarting),
                    Duration.ofNanos(System.nanoTime() - restarted), ledger.unsettled(wecomApi, sentUntilRestarted).size()));
        }
        load.stop(DRAIN);
        await(SETTLE, () -> ledger.unsettled(wecomApi).isEmpty());

        List<SentMessage> sent = ledger.sent();
        var decisions = DecisionCounts.of(sent, topics.readCommitted(
                List.of(Topics.ACCEPTED.name(), Topics.REJECTED.name()), Duration.ofMinutes(1)));
        var deadLetters = new TreeMap<String, Integer>();
        for (String topic : topics.deadLetterTopics()) {
            deadLetters.put(topic, topics.readCommitted(List.of(topic), Duration.ofMinutes(1)).size());
        }
        return new FaultResults(INSTANCES, Duration.ofNanos(System.nanoTime() - started), kills, sent, front, decisions,
                DifyCounts.of(sent, dify), ReplyCounts.of(sent, ledger, wecomApi), deadLetters);
    }

    @Override
    public void close() {
        Collections.reverse(resources);
        for (AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (Exception e) {
                System.err.println("stopping " + resource + " failed: " + e);
            }
        }
        resources.clear();
    }

    private StackSettings settings(List<FaultBot> bots, DifySimulator dify, WeComApiSimulator wecomApi) throws IOException {
        Files.createDirectories(WORK_DIR);
        var yaml = new StringBuilder("bots:\n");
        bots.forEach(bot -> yaml.append(bot.yaml(dify.baseUrl(), DifySimulatorConfig.DEFAULT_API_KEY)));
        Path botsFile = Files.writeString(WORK_DIR.resolve("bots.yaml"), yaml, StandardCharsets.UTF_8);
        var instances = new EnumMap<Service, Integer>(Service.class);
        for (Service service : Service.values()) {
            instances.put(service, INSTANCES);
        }
        return new StackSettings(ROOT, WORK_DIR, botsFile, instances, new FreePorts(), TestInfrastructure.kafkaBootstrapServers(),
                TestInfrastructure.redisUrl(), dify.baseUrl(), DifySimulatorConfig.DEFAULT_API_KEY, 0, 0,
                // webhook and response_url replies go to the simulator, which ingress and the responder must
                // list by its exact address (relay.ingress.response-url.allowed-hosts,
                // relay.responder.delivery.allowed-hosts and .wecom-api-base-url)
                Map.of("RELAY_RESPONDER_DELIVERY_WECOMAPIBASEURL", wecomApi.baseUrl(),
                        "RELAY_RESPONDER_DELIVERY_ALLOWEDHOSTS", wecomApi.baseUrl(),
                        "RELAY_INGRESS_RESPONSEURL_ALLOWEDHOSTS", wecomApi.baseUrl()), true);
    }

    private <T extends AutoCloseable> T open(T resource) {
        resources.add(resource);
        return resource;
    }

    /** Polls {@code condition} until it holds or {@code timeout} passes; true when it held (the report says when not). */
    private static boolean await(Duration timeout, BooleanSupplier condition) {
        try {
            Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(250)).until(condition::getAsBoolean);
            return true;
        } catch (ConditionTimeoutException e) {
            return false;
        }
    }
}
