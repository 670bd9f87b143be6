package io.wecomrelay.devstack.faults;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
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
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The pipeline the fault suites break: {@value #INSTANCES} instances of every service but the connector
 * ({@link #SERVICES}) as {@code java -jar}
 * processes against a given broker and Redis, the Dify and WeCom API simulators, steady traffic from four bots
 * (two streaming, one response_url, one webhook) through {@link WecomFront}, and the audit of what came out.
 * Every wait is bounded.
 */
final class PipelineUnderLoad implements AutoCloseable {

    static final int INSTANCES = 2;
    /**
     * The services the suites run and kill: every one but the connector. The suites' bots are callback bots, so a
     * connector would hold nothing here and its kill would hit no work; EndToEndTest SIGKILLs the connector that
     * owns a long-connection bot instead.
     */
    static final List<Service> SERVICES = Arrays.stream(Service.values()).filter(service -> !service.optional()).toList();
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    /** Replies stream in 8 pieces 400 ms apart, as in the local stack: long enough to be broken mid-stream. */
    private static final DifySimulatorConfig DIFY = DifySimulatorConfig.defaults().withCadence(8, Duration.ofMillis(400));
    private static final Duration FIRST_REPLIES = Duration.ofMinutes(3);
    private static final Duration GROUPS_JOINED = Duration.ofMinutes(2);
    private static final Duration DRAIN = Duration.ofMinutes(5);

    private final List<AutoCloseable> resources = new ArrayList<>();
    private final long started = System.nanoTime();
    private final Path workDir;
    private final DifySimulator dify;
    private final WeComApiSimulator wecomApi;
    private final List<FaultBot> bots;
    private final LocalStack stack;
    private final WecomFront front;
    private final Ledger ledger = new Ledger();
    private final Load load;
    private final AuditTopics topics;

    /**
     * Starts the simulators and the services; {@code suite} names the work directory
     * ({@code devstack/target/<suite>}, service logs in its {@code logs}) and prefixes the bot ids, which are
     * unique per run so that nothing an earlier run left in Redis is seen again.
     */
    PipelineUnderLoad(String suite, String kafka, String redisUrl) throws IOException, InterruptedException {
        workDir = workDir(suite);
        String run = UUID.randomUUID().toString().substring(0, 8);
        try {
            dify = open(DifySimulator.start(DIFY));
            wecomApi = open(WeComApiSimulator.start());
            bots = List.of(FaultBot.create(suite + "-stream-a-" + run, ReplyMode.PASSIVE_STREAM),
                    FaultBot.create(suite + "-stream-b-" + run, ReplyMode.PASSIVE_STREAM),
                    FaultBot.create(suite + "-url-" + run, ReplyMode.RESPONSE_URL),
                    FaultBot.create(suite + "-hook-" + run, ReplyMode.WEBHOOK));
            bots.stream().filter(bot -> bot.webhookKey() != null).forEach(bot -> wecomApi.addWebhookKey(bot.webhookKey()));
            stack = open(LocalStack.start(settings(kafka, redisUrl)));
            front = new WecomFront(stack.instances(Service.INGRESS).stream().map(stack::callbackOrigin).toList());
            load = new Load(front, ledger, wecomApi, bots);
            resources.add(() -> load.stop(Duration.ZERO));
            topics = new AuditTopics(stack.kafkaBootstrapServers());
        } catch (IOException | InterruptedException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** {@code devstack/target/<suite>}: the bots file, the service logs ({@code logs}) and the processors' state. */
    static Path workDir(String suite) {
        return ROOT.resolve("devstack/target").resolve(suite);
    }

    /**
     * Starts the traffic once every instance has joined its consumer group; returns once every kind of bot has had a
     * complete reply (the positive control).
     */
    void startLoad() throws InterruptedException {
        String notJoined = ConsumerGroups.awaitJoined(stack.kafkaBootstrapServers(), INSTANCES, GROUPS_JOINED);
        if (!notJoined.isEmpty()) {
            throw new IllegalStateException("not every instance joined its consumer group within " + GROUPS_JOINED + ": "
                    + notJoined);
        }
        load.start();
        if (!await(FIRST_REPLIES, () -> ledger.answeredBots(wecomApi).size() == bots.size())) {
            throw new IllegalStateException("no complete reply for every bot within " + FIRST_REPLIES + " before any fault");
        }
    }

    /** Waits until the replies to the first {@code sentUntil} messages are complete; the messages still incomplete. */
    List<SentMessage> awaitSettled(Duration timeout, int sentUntil) throws InterruptedException {
        await(timeout, () -> ledger.unsettled(wecomApi, sentUntil).isEmpty());
        return ledger.unsettled(wecomApi, sentUntil);
    }

    /** Waits until every instance of every service reports UP; the instances still not UP after {@code timeout}. */
    List<ServiceInstance> awaitAllHealthy(Duration timeout) throws InterruptedException {
        var unhealthy = new ArrayList<ServiceInstance>();
        await(timeout, () -> {
            unhealthy.clear();
            stack.allInstances().stream().filter(instance -> !stack.isHealthy(instance)).forEach(unhealthy::add);
            return unhealthy.isEmpty();
        });
        return List.copyOf(unhealthy);
    }

    /** Stops the traffic, waits (up to {@code settle}) for the last replies and counts what came out. */
    PipelineCounts stopAndCount(Duration settle) throws InterruptedException {
        load.stop(DRAIN);
        awaitSettled(settle, Integer.MAX_VALUE);
        List<SentMessage> sent = ledger.sent();
        var decisions = DecisionCounts.of(sent, topics.readCommitted(
                List.of(Topics.ACCEPTED.name(), Topics.REJECTED.name()), Duration.ofMinutes(1)));
        var deadLetters = new TreeMap<String, Integer>();
        for (String topic : topics.deadLetterTopics()) {
            deadLetters.put(topic, topics.readCommitted(List.of(topic), Duration.ofMinutes(1)).size());
        }
        return new PipelineCounts(sent, front.outcomes(), front.resentMessages(), decisions, DifyCounts.of(sent, dify),
                ReplyCounts.of(sent, ledger, wecomApi), deadLetters);
    }

    Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - started);
    }

    LocalStack stack() {
        return stack;
    }

    DifySimulator dify() {
        return dify;
    }

    List<FaultBot> bots() {
        return bots;
    }

    Ledger ledger() {
        return ledger;
    }

    AuditTopics topics() {
        return topics;
    }

    WecomFront front() {
        return front;
    }

    Path workDir() {
        return workDir;
    }

    @Override
    public void close() {
        var reversed = new ArrayList<>(resources);
        Collections.reverse(reversed);
        for (AutoCloseable resource : reversed) {
            try {
                resource.close();
            } catch (Exception e) {
                System.err.println("stopping " + resource + " failed: " + e);
            }
        }
        resources.clear();
    }

    private StackSettings settings(String kafka, String redisUrl) throws IOException {
        Files.createDirectories(workDir);
        var yaml = new StringBuilder("bots:\n");
        bots.forEach(bot -> yaml.append(bot.yaml(dify.baseUrl(), DifySimulatorConfig.DEFAULT_API_KEY)));
        Path botsFile = Files.writeString(workDir.resolve("bots.yaml"), yaml, StandardCharsets.UTF_8);
        var instances = new EnumMap<Service, Integer>(Service.class);
        for (Service service : Service.values()) {
            instances.put(service, SERVICES.contains(service) ? INSTANCES : 0);
        }
        return new StackSettings(ROOT, workDir, botsFile, instances, new FreePorts(), kafka, redisUrl, dify.baseUrl(),
                DifySimulatorConfig.DEFAULT_API_KEY, 0, 0, null, 0,
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
    static boolean await(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        try {
            Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(250)).until(condition::getAsBoolean);
            return true;
        } catch (ConditionTimeoutException e) {
            return false;
        }
    }
}
