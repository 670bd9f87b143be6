package io.wecomrelay.connector;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.sync.RedisCommands;
import io.wecomrelay.schemas.event.EventMeta;
import io.wecomrelay.schemas.event.EventSerde;
import io.wecomrelay.schemas.event.MessageReceived;
import io.wecomrelay.schemas.event.RelayEvent;
import io.wecomrelay.schemas.event.StreamChanged;
import io.wecomrelay.schemas.stream.StreamStateKeys;
import io.wecomrelay.schemas.topic.Topics;
import io.wecomrelay.schemas.wecom.reply.StreamImage;
import io.wecomrelay.sim.wecomws.LongConnectionSimulator;
import io.wecomrelay.sim.wecomws.LongConnectionSimulator.Injected;
import io.wecomrelay.sim.wecomws.ReceivedFrame;
import io.wecomrelay.support.tracing.TraceHeaders;
import io.wecomrelay.testkit.TestInfrastructure;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ReactorResourceFactory;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * What the connector's tests share: connector instances against the real broker and Redis, the responder's part
 * (the stream hash and the {@code stream-changed} notice), and a reader of {@code wecom.inbound}.
 */
final class ConnectorHarness implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(60);

    final String prefix = "connector-test-" + UUID.randomUUID() + ":";
    final String redisUrl;
    final RedisClient redisClient;
    final RedisCommands<String, String> redis;
    private final KafkaProducer<String, RelayEvent> producer;
    private final KafkaConsumer<String, RelayEvent> inbound;
    private final List<MessageReceived> received = new CopyOnWriteArrayList<>();
    /** The traceparent header of each published message, by msgid. */
    private final Map<String, String> traceparents = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<ConfigurableApplicationContext> instances = new CopyOnWriteArrayList<>();

    ConnectorHarness() {
        this(TestInfrastructure.redisUrl());
    }

    /** On the Redis at {@code redisUrl}: one of the test's own, which it may stop and start. */
    ConnectorHarness(String redisUrl) {
        this.redisUrl = redisUrl;
        this.redisClient = RedisClient.create(redisUrl);
        this.redis = redisClient.connect().sync();
        Properties props = TestInfrastructure.kafkaClientProperties();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(props, new StringSerializer(), EventSerde.any());
        Properties consumer = TestInfrastructure.kafkaClientProperties();
        consumer.put(ConsumerConfig.GROUP_ID_CONFIG, "connector-test-" + UUID.randomUUID());
        consumer.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        inbound = new KafkaConsumer<>(consumer, new StringDeserializer(), EventSerde.any());
        inbound.subscribe(List.of(Topics.INBOUND.name()));
    }

    /** A bots file of long-connection bots, each registered with the simulator under its secret. */
    static Path botsFile(LongConnectionSimulator wecom, List<String> bots, String extraYaml) {
        StringBuilder yaml = new StringBuilder("bots:\n");
        for (String bot : bots) {
            wecom.addBot(bot, "secret-of-" + bot);
            yaml.append("  - id: ").append(bot).append("\n    connection: long-connection\n    secret: secret-of-")
                    .append(bot).append("\n    welcome: 你好，我是 ").append(bot).append("\n    placeholder: 思考中…\n")
                    .append("    dify: { base-url: http://127.0.0.1:9/v1, api-key: k, allow-insecure-http: true }\n")
                    .append(extraYaml);
        }
        try {
            Path file = Files.createTempFile("connector-bots", ".yaml");
            Files.writeString(file, yaml);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A connector instance with the test settings, then {@code settings} (later ones win). */
    ConfigurableApplicationContext instance(Path botsFile, LongConnectionSimulator wecom, String... settings) {
        var args = new ArrayList<>(List.of(
                "--server.port=0",
                "--spring.kafka.bootstrap-servers=" + TestInfrastructure.kafkaBootstrapServers(),
                "--spring.data.redis.url=" + redisUrl,
                "--relay.connector.bots-file=" + botsFile,
                "--relay.connector.url=" + wecom.url(),
                "--relay.connector.socket.ping-interval=2s",
                "--relay.connector.socket.ack-timeout=2s",
                "--relay.connector.socket.initial-backoff=200ms",
                "--relay.connector.replies.key-prefix=" + prefix));
        args.addAll(List.of(settings));
        // one argument per key (Spring joins repeated ones into a list); a test's own setting wins
        var byKey = new LinkedHashMap<String, String>();
        args.forEach(arg -> byKey.put(arg.substring(0, arg.indexOf('=')), arg));
        // arguments, not default properties: application.yaml's ${...} defaults would win over those
        var instance = new SpringApplicationBuilder(ConnectorApplication.class, OwnNettyResources.class)
                .run(byKey.values().toArray(String[]::new));
        instances.add(instance);
        return instance;
    }

    void stop(ConfigurableApplicationContext instance) {
        instances.remove(instance);
        instance.close();
    }

    /**
     * Closing a context that uses Reactor Netty's global resources disposes them, and with them the other instance's
     * sockets and the simulator's server; in production each instance is its own JVM.
     */
    @Configuration(proxyBeanMethods = false)
    static class OwnNettyResources {
        @Bean
        ReactorResourceFactory reactorResourceFactory() {
            var resources = new ReactorResourceFactory();
            resources.setUseGlobalResources(false);
            return resources;
        }
    }

    /** What the responder does after folding: the stream hash, then the notice keyed by bot id. */
    void fold(String bot, String streamId, String content, boolean finished) {
        fold(bot, streamId, content, finished, null);
    }

    /** ... with the notice's record continuing {@code traceparent}, as the responder's continue its chunk's. */
    void fold(String bot, String streamId, String content, boolean finished, String traceparent) {
        redis.hset(StreamStateKeys.key(streamId), Map.of(StreamStateKeys.CONTENT, content, StreamStateKeys.FINISH,
                finished ? "1" : "0", StreamStateKeys.OWNER, bot));
        redis.expire(StreamStateKeys.key(streamId), 600);
        var notice = new StreamChanged(new EventMeta(UUID.randomUUID(), "trace", Instant.now()), bot, streamId);
        var record = new ProducerRecord<String, RelayEvent>(Topics.OUTBOUND.name(), bot, notice);
        if (traceparent != null) {
            TraceHeaders.put(record.headers(), traceparent);
        }
        producer.send(record);
        producer.flush();
    }

    /**
     * The worker's part for a reply's images: their base64 in Redis, and the stream hash's {@code images} field
     * naming them (before the responder's final fold).
     */
    void attachImages(String streamId, byte[]... images) {
        var named = new StringBuilder("[");
        for (int i = 0; i < images.length; i++) {
            var image = StreamImage.of(images[i]);
            String key = StreamStateKeys.imageKey(streamId, 1, i);
            redis.setex(key, 600, image.base64());
            named.append(i == 0 ? "" : ",").append("{\"key\":\"").append(key).append("\",\"md5\":\"").append(image.md5())
                    .append("\"}");
        }
        redis.hset(StreamStateKeys.key(streamId), Map.of(StreamStateKeys.IMAGES, named.append("]").toString()));
    }

    /** WeCom delivering a text message of {@code userId} a second time, with a req_id of its own (protocol §3.1). */
    static Injected deliverAgain(LongConnectionSimulator wecom, String bot, Injected first, String userId, String content) {
        ObjectNode again = JsonMapper.builder().build().createObjectNode();
        again.put("msgid", first.msgId()).put("aibotid", bot).put("chattype", "single").put("msgtype", "text");
        again.putObject("from").put("userid", userId);
        again.putObject("text").put("content", content);
        return wecom.inject(bot, "aibot_msg_callback", again);
    }

    /** The message-received the connector published for {@code message}. */
    MessageReceived awaitReceived(Injected message) {
        return await().atMost(WAIT).until(() -> {
            synchronized (inbound) {
                inbound.poll(Duration.ofMillis(200)).forEach(record -> {
                    if (record.value() instanceof MessageReceived event) {
                        received.add(event);
                        String traceparent = TraceHeaders.traceparent(record.headers());
                        if (traceparent != null) {
                            traceparents.put(event.message().msgId(), traceparent);
                        }
                    }
                });
            }
            return received.stream().filter(event -> event.message().msgId().equals(message.msgId())).findFirst().orElse(null);
        }, event -> event != null);
    }

    /** The traceparent the message's record carries (after {@link #awaitReceived}). */
    String traceparentOf(Injected message) {
        return traceparents.get(message.msgId());
    }

    /** Everything published to wecom.inbound so far, after one more poll. */
    List<MessageReceived> receivedSoFar() {
        synchronized (inbound) {
            inbound.poll(Duration.ofMillis(500)).forEach(record -> {
                if (record.value() instanceof MessageReceived event) {
                    received.add(event);
                }
            });
        }
        return List.copyOf(received);
    }

    static List<ReceivedFrame> streamFrames(LongConnectionSimulator wecom, String reqId) {
        return wecom.framesFor(reqId).stream().filter(f -> f.cmd().equals("aibot_respond_msg")).toList();
    }

    @Override
    public void close() {
        instances.forEach(ConfigurableApplicationContext::close);
        producer.close();
        inbound.close();
        redisClient.shutdown();
    }
}
