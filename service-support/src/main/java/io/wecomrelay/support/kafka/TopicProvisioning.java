package io.wecomrelay.support.kafka;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

import io.wecomrelay.schemas.topic.TopicSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextAware;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.ContextClosedEvent;

/**
 * Creates a service's missing topics once the application context is up, on a thread of its own, trying again
 * until Kafka answers: start-up never waits for the broker, and a service started while Kafka is unreachable stops
 * at once. Until it is done the service is not ready ({@link TopicsHealthIndicator}) and says why in one log line;
 * what needs the topics (consumers, the Streams app) starts through {@link #whenDone(Runnable)}.
 * <p>
 * Started last of the context's lifecycles, and stopped as soon as the context begins to close (before any lifecycle
 * stops): a consumer it started is running by then and is stopped by the context as usual, and none starts later.
 */
public final class TopicProvisioning implements SmartLifecycle, ApplicationListener<ContextClosedEvent>,
        ApplicationContextAware {

    /** How long one attempt waits for each answer of Kafka, and how long between attempts. */
    public record Timing(Duration requestTimeout, Duration retryInterval) {
        public static final Timing DEFAULT = new Timing(Duration.ofSeconds(10), Duration.ofSeconds(5));
    }

    /** Where provisioning stands: {@code problem} is why the last attempt failed, null before the first ends. */
    public record Status(boolean done, List<String> created, @Nullable String problem) {
    }

    private static final Logger log = LoggerFactory.getLogger(TopicProvisioning.class);

    private final @Nullable Map<String, Object> adminProperties;
    private final List<TopicSpec> topics;
    private final Map<String, Integer> partitions;
    private final short replicationFactor;
    private final Timing timing;
    private final CompletableFuture<List<String>> done = new CompletableFuture<>();
    private volatile @Nullable String problem;
    private volatile @Nullable Thread worker;
    private volatile boolean running;
    private @Nullable ApplicationContext context;

    private TopicProvisioning(@Nullable Map<String, Object> adminProperties, Collection<TopicSpec> topics,
                              Map<String, Integer> partitions, short replicationFactor, Timing timing) {
        this.adminProperties = adminProperties == null ? null : Map.copyOf(adminProperties);
        this.topics = List.copyOf(topics);
        this.partitions = Map.copyOf(partitions);
        this.replicationFactor = replicationFactor;
        this.timing = timing;
    }

    /**
     * @param adminProperties Kafka admin client properties (bootstrap servers, security)
     * @param partitions      partitions of newly created topics by name; names not in it get the topic's default
     */
    public static TopicProvisioning of(Map<String, Object> adminProperties, Collection<TopicSpec> topics,
                                       Map<String, Integer> partitions, short replicationFactor, Timing timing) {
        return new TopicProvisioning(adminProperties, topics, partitions, replicationFactor, timing);
    }

    public static TopicProvisioning of(Map<String, Object> adminProperties, Collection<TopicSpec> topics,
                                       Map<String, Integer> partitions, short replicationFactor) {
        return of(adminProperties, topics, partitions, replicationFactor, Timing.DEFAULT);
    }

    /** Provisioning turned off: done as soon as the context starts, nothing created. */
    public static TopicProvisioning off() {
        return new TopicProvisioning(null, List.of(), Map.of(), (short) -1, Timing.DEFAULT);
    }

    /**
     * Runs {@code action} on the provisioning thread once the topics exist (at once when they already do); never
     * after {@link #stop()}. An action that throws is logged, as nothing else would see it.
     */
    public void whenDone(Runnable action) {
        done.thenRun(() -> {
            try {
                action.run();
            } catch (RuntimeException e) {
                log.error("could not start what waited for the topics", e);
            }
        });
    }

    public Status status() {
        return new Status(done.isDone(), done.getNow(List.of()), problem);
    }

    @Override
    public void start() {
        running = true;
        if (adminProperties == null) {
            done.complete(List.of());
            return;
        }
        Thread thread = new Thread(() -> provisionUntilDone(adminProperties), "topic-provisioning");
        thread.setDaemon(true);
        worker = thread;
        thread.start();
    }

    @Override
    public void setApplicationContext(ApplicationContext context) {
        this.context = context;
    }

    /** The context's own close, not a child context's (ingress's management server has one). */
    @Override
    public void onApplicationEvent(ContextClosedEvent event) {
        if (event.getApplicationContext() == context) {
            stop();
        }
    }

    /** Interrupts an attempt in progress; returns within the admin client's bounded close. */
    @Override
    public void stop() {
        running = false;
        Thread thread = worker;
        if (thread == null) {
            return;
        }
        thread.interrupt();
        try {
            thread.join(KafkaAdmins.CLOSE_TIMEOUT.plusSeconds(1).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void provisionUntilDone(Map<String, Object> properties) {
        while (running) {
            try (Admin admin = KafkaAdmins.create(properties)) {
                List<String> created = new TopicProvisioner(admin, replicationFactor, timing.requestTimeout())
                        .ensure(topics, partitions);
                log.info("topics ready: {} (created {})", topics.stream().map(TopicSpec::name).toList(), created);
                problem = null;
                if (running) {
                    done.complete(created);
                }
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                noteProblem(properties, e);
            }
            try {
                Thread.sleep(timing.retryInterval().toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** One line per distinct reason: an outage that lasts is not a line every few seconds. */
    private void noteProblem(Map<String, Object> properties, RuntimeException e) {
        String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (!Objects.equals(reason, problem)) {
            Object servers = properties.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
            log.warn("topics not provisioned, so not ready (Kafka {}={}): {}; trying again every {}",
                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    servers instanceof Collection<?> list ? String.join(",", list.stream().map(String::valueOf).toList()) : servers,
                    reason, timing.retryInterval().toString().substring(2).toLowerCase(Locale.ROOT));
        }
        problem = reason;
    }
}
