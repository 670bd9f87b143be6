package io.wecomrelay.devstack.faults;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import io.lettuce.core.RedisClient;
import io.wecomrelay.devstack.LocalStack;
import io.wecomrelay.devstack.Service;
import io.wecomrelay.devstack.ServiceInstance;
import io.wecomrelay.schemas.topic.Topics;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Which instance of a service to kill so that the kill hits work in progress: the processor that decides the
 * fault bots' messages, the worker generating the most replies, the responder delivering the webhook bot's replies.
 * Both ingress instances take the same share of the callbacks, so the first is as good as any.
 */
final class Victims {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /** How long to wait for a worker with {@link #BUSY} replies in flight before taking the busiest there is. */
    private static final Duration BUSY_WAIT = Duration.ofSeconds(60);
    private static final int BUSY = 2;

    private final LocalStack stack;
    private final AuditTopics topics;
    private final List<FaultBot> bots;

    Victims(LocalStack stack, AuditTopics topics, List<FaultBot> bots) {
        this.stack = stack;
        this.topics = topics;
        this.bots = List.copyOf(bots);
    }

    ServiceInstance choose(Service service) throws InterruptedException {
        return switch (service) {
            case INGRESS -> stack.instances(Service.INGRESS).get(0);
            case PROCESSOR -> processorDecidingTheFaultBots();
            case LLM_WORKER -> busiestWorker();
            case RESPONDER -> webhookDeliverer();
            // the suites run no connector (PipelineUnderLoad.SERVICES): their bots are all callback bots
            case CONNECTOR -> throw new IllegalArgumentException("the fault suites run no connector");
        };
    }

    /** Replies the instance is generating now ({@code relay.worker.in.flight}); 0 before its first reply. */
    int workerInFlight(ServiceInstance worker) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                            URI.create(stack.managementUrl(worker) + "/actuator/metrics/relay.worker.in.flight"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (response.statusCode() != 200) {
                return 0;
            }
            JsonNode measurements = JSON.readTree(response.body()).path("measurements");
            return measurements.isEmpty() ? 0 : (int) measurements.get(0).path("value").asDouble();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    /** The processor whose Streams consumer holds the most wecom.inbound partitions the fault bots' messages go to. */
    private ServiceInstance processorDecidingTheFaultBots() {
        int partitions = topics.partitionCount(Topics.INBOUND.name());
        Set<Integer> used = bots.stream()
                .map(bot -> BuiltInPartitioner.partitionForKey(bot.id().getBytes(StandardCharsets.UTF_8), partitions))
                .collect(Collectors.toSet());
        // the launcher gives each processor its instance name as Kafka Streams client id
        Map<String, List<Integer>> assignments = topics.assignments("wecom-relay-processor", Topics.INBOUND.name());
        return stack.instances(Service.PROCESSOR).stream()
                .max(Comparator.comparingLong(processor -> assignments.entrySet().stream()
                        .filter(member -> member.getKey().startsWith(processor.name() + "-"))
                        .flatMap(member -> member.getValue().stream()).filter(used::contains).count()))
                .orElseThrow();
    }

    private ServiceInstance busiestWorker() {
        List<ServiceInstance> workers = stack.instances(Service.LLM_WORKER);
        Supplier<Map.Entry<ServiceInstance, Integer>> busiest = () -> workers.stream()
                .collect(Collectors.toMap(w -> w, this::workerInFlight)).entrySet().stream()
                .max(Map.Entry.comparingByValue()).orElseThrow();
        try {
            return Awaitility.await().atMost(BUSY_WAIT).pollInterval(Duration.ofMillis(100))
                    .until(busiest::get, inFlight -> inFlight.getValue() >= BUSY).getKey();
        } catch (ConditionTimeoutException e) {
            return busiest.get().getKey(); // none got that busy in time: the busiest there is
        }
    }

    /** The holder of the webhook bot's outbox lease ({@code responder:outbox-lease:<bot>} = HOSTNAME-random). */
    private ServiceInstance webhookDeliverer() {
        FaultBot webhook = bots.stream().filter(bot -> bot.webhookKey() != null).findFirst().orElseThrow();
        RedisClient redis = RedisClient.create(stack.redisUrl());
        try (var connection = redis.connect()) {
            String holder = String.valueOf(connection.sync().get("responder:outbox-lease:" + webhook.id()));
            return stack.instances(Service.RESPONDER).stream().filter(r -> holder.startsWith(r.name() + "-")).findFirst()
                    .orElse(stack.instances(Service.RESPONDER).get(0));
        } finally {
            redis.shutdown();
        }
    }
}
