package io.wecomrelay.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import io.wecomrelay.connector.ownership.BotOwnership;
import io.wecomrelay.connector.socket.ConnectionState;
import io.wecomrelay.schemas.event.Channel;
import io.wecomrelay.schemas.event.EventMeta;
import io.wecomrelay.schemas.event.EventSerde;
import io.wecomrelay.schemas.event.MessageReceived;
import io.wecomrelay.schemas.event.RelayEvent;
import io.wecomrelay.schemas.event.StreamChanged;
import io.wecomrelay.schemas.ids.StreamIds;
import io.wecomrelay.schemas.stream.StreamStateKeys;
import io.wecomrelay.schemas.topic.Topics;
import io.wecomrelay.sim.wecomws.LongConnectionSimulator;
import io.wecomrelay.sim.wecomws.LongConnectionSimulator.Injected;
import io.wecomrelay.sim.wecomws.ReceivedFrame;
import io.wecomrelay.testkit.TestInfrastructure;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.sync.RedisCommands;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ReactorResourceFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * The connector against the real broker, real Redis and the WeCom long-connection simulator. The test plays the
 * responder's part: it writes {@code stream:{streamId}} as the responder folds it and sends the
 * {@code stream-changed} notice to {@code wecom.outbound}. The tests run in order: one instance first, then a second
 * one, then the owner of a bot stops in the middle of a stream.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConnectorTest {

    static final Duration WAIT = Duration.ofSeconds(60);
    static final List<String> BOTS = List.of("ws-bot-1", "ws-bot-2", "ws-bot-3", "ws-bot-4");
    static final LongConnectionSimulator WECOM = LongConnectionSimulator.start();
    static final String PREFIX = "connector-test-" + UUID.randomUUID() + ":";
    static final List<ConfigurableApplicationContext> INSTANCES = new CopyOnWriteArrayList<>();
    static Path botsFile;
    static RedisClient redisClient;
    static RedisCommands<String, String> redis;
    static KafkaProducer<String, RelayEvent> producer;
    static KafkaConsumer<String, RelayEvent> inbound;
    static final List<MessageReceived> received = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws IOException {
        StringBuilder bots = new StringBuilder("bots:\n");
        for (String bot : BOTS) {
            WECOM.addBot(bot, "secret-of-" + bot);
            bots.append("  - id: ").append(bot).append("\n    connection: long-connection\n    secret: secret-of-")
                    .append(bot).append("\n    welcome: 你好，我是 ").append(bot).append("\n    placeholder: 思考中…\n")
                    .append("    dify: { base-url: http://127.0.0.1:9/v1, api-key: k, allow-insecure-http: true }\n");
        }
        botsFile = Files.createTempFile("connector-bots", ".yaml");
        Files.writeString(botsFile, bots);
        WECOM.setAckDelay(Duration.ofMillis(150));
        redisClient = RedisClient.create(TestInfrastructure.redisUrl());
        redis = redisClient.connect().sync();
        Properties props = TestInfrastructure.kafkaClientProperties();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(props, new StringSerializer(), EventSerde.any());
        Properties consumer = TestInfrastructure.kafkaClientProperties();
        consumer.put(ConsumerConfig.GROUP_ID_CONFIG, "connector-test-" + UUID.randomUUID());
        consumer.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        inbound = new KafkaConsumer<>(consumer, new StringDeserializer(), EventSerde.any());
        inbound.subscribe(List.of(Topics.INBOUND.name()));
        INSTANCES.add(instance());
    }

    @AfterAll
    static void stop() {
        INSTANCES.forEach(ConfigurableApplicationContext::close);
        WECOM.close();
        producer.close();
        inbound.close();
        redisClient.shutdown();
    }

    @Test
    @Order(1)
    void aMessageIsPublishedWithItsReqIdAndItsReplyStreamsFromRedisOneFrameAtATime() {
        await().atMost(WAIT).until(() -> BOTS.stream().allMatch(WECOM::subscribed));
        Injected message = WECOM.sendText("ws-bot-1", "zhangsan", "你好");

        MessageReceived event = awaitReceived(message);
        assertThat(event.botId()).isEqualTo("ws-bot-1");
        assertThat(event.message().channel()).isEqualTo(Channel.LONG_CONNECTION);
        assertThat(event.message().reqId()).isEqualTo(message.reqId());
        assertThat(event.message().responseUrl()).isNull();
        String streamId = StreamIds.of("ws-bot-1", message.msgId());
        assertThat(event.streamId()).isEqualTo(streamId);

        await().atMost(WAIT).until(() -> !WECOM.framesFor(message.reqId()).isEmpty());
        assertThat(WECOM.framesFor(message.reqId()).get(0).streamContent()).isEqualTo("思考中…");

        // the responder folds 20 chunks in quick succession, each with its notice; the last one finishes
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            text.append("片段").append(i).append(' ');
            fold("ws-bot-1", streamId, text.toString(), i == 19);
        }

        await().atMost(WAIT).until(() -> frames(message).stream().anyMatch(ReceivedFrame::finished));
        List<ReceivedFrame> frames = frames(message);
        ReceivedFrame last = frames.get(frames.size() - 1);
        assertThat(last.finished()).isTrue();
        assertThat(last.streamContent()).isEqualTo(text.toString());
        assertThat(frames).allMatch(frame -> frame.streamId().equals(streamId) && frame.errcode() == 0);
        assertThat(frames.size()).as("coalesced: fewer frames than folds").isLessThan(21);
        assertThat(WECOM.violations()).as("never a frame before the previous one's ack").isEmpty();
        await().atMost(WAIT).until(() -> redis.hget(PREFIX + "open:ws-bot-1", streamId) == null);
    }

    @Test
    @Order(2)
    void enterChatIsWelcomedWithinFiveSeconds() {
        Instant sent = Instant.now();
        Injected event = WECOM.sendEvent("ws-bot-2", "lisi", "enter_chat", JsonMapper.builder().build().createObjectNode());

        await().atMost(Duration.ofSeconds(5)).until(() -> !WECOM.framesFor(event.reqId()).isEmpty());
        ReceivedFrame welcome = WECOM.framesFor(event.reqId()).get(0);
        assertThat(welcome.cmd()).isEqualTo("aibot_respond_welcome_msg");
        assertThat(welcome.body().path("text").path("content").asString()).isEqualTo("你好，我是 ws-bot-2");
        assertThat(welcome.errcode()).isZero();
        assertThat(Duration.between(sent, welcome.receivedAt())).isLessThan(Duration.ofSeconds(5));
        assertThat(awaitReceived(event).message().eventType()).isEqualTo("enter_chat");
    }

    @Test
    @Order(3)
    void twoInstancesHoldOneConnectionPerBotAndNeverKickEachOther() {
        Map<String, Integer> subscribesBefore = subscribes();
        INSTANCES.add(instance());

        // the second instance takes some partitions: its bots move over (one subscribe each), the rest stay put
        await().atMost(WAIT).until(() -> !owned(INSTANCES.get(1)).isEmpty() && owned(INSTANCES.get(0)).size()
                + owned(INSTANCES.get(1)).size() == BOTS.size() && BOTS.stream().allMatch(WECOM::subscribed));
        await().during(Duration.ofSeconds(5)).atMost(WAIT).until(() -> BOTS.stream().allMatch(WECOM::subscribed)
                && WECOM.openSockets() == BOTS.size());

        assertThat(owned(INSTANCES.get(0))).doesNotContainAnyElementsOf(owned(INSTANCES.get(1)));
        BOTS.forEach(bot -> assertThat(WECOM.kicks(bot)).as("kicks of " + bot).isZero());
        Map<String, Integer> subscribesAfter = subscribes();
        BOTS.forEach(bot -> assertThat(subscribesAfter.get(bot) - subscribesBefore.get(bot)).as(bot).isLessThanOrEqualTo(1));
    }

    @Test
    @Order(4)
    void whenTheOwnerStopsMidStreamTheOtherInstanceSubscribesFinishesTheStreamAndAnswersTheNextMessage() {
        ConfigurableApplicationContext owner = INSTANCES.get(0);
        ConfigurableApplicationContext other = INSTANCES.get(1);
        String bot = owned(owner).get(0);
        Injected message = WECOM.sendText(bot, "wangwu", "讲个长故事");
        String streamId = StreamIds.of(bot, message.msgId());
        awaitReceived(message);
        fold(bot, streamId, "从前有座山，", false);
        await().atMost(WAIT).until(() -> frames(message).stream().anyMatch(f -> f.streamContent().equals("从前有座山，")));
        int subscribes = WECOM.subscribes(bot);

        owner.close();
        INSTANCES.remove(owner);
        await().atMost(Duration.ofSeconds(30)).until(() -> WECOM.subscribes(bot) > subscribes && WECOM.subscribed(bot));
        assertThat(owned(other)).contains(bot);
        fold(bot, streamId, "从前有座山，山里有座庙。", true);

        await().atMost(WAIT).until(() -> frames(message).stream().anyMatch(ReceivedFrame::finished));
        List<ReceivedFrame> frames = frames(message);
        assertThat(frames).allMatch(frame -> frame.streamId().equals(streamId));
        assertThat(frames.get(frames.size() - 1).streamContent()).isEqualTo("从前有座山，山里有座庙。");
        assertThat(WECOM.kicks(bot)).isZero();
        assertThat(WECOM.violations()).isEmpty();

        Injected next = WECOM.sendText(bot, "wangwu", "还有吗");
        assertThat(awaitReceived(next).message().reqId()).isEqualTo(next.reqId());
        await().atMost(WAIT).until(() -> !WECOM.framesFor(next.reqId()).isEmpty());
    }

    static ConfigurableApplicationContext instance() {
        // arguments, not default properties: application.yaml's ${...} defaults would win over those
        return new SpringApplicationBuilder(ConnectorApplication.class, OwnNettyResources.class).run(
                "--server.port=0",
                "--spring.kafka.bootstrap-servers=" + TestInfrastructure.kafkaBootstrapServers(),
                "--spring.data.redis.url=" + TestInfrastructure.redisUrl(),
                "--relay.connector.bots-file=" + botsFile,
                "--relay.connector.url=" + WECOM.url(),
                "--relay.connector.socket.ping-interval=2s",
                "--relay.connector.socket.ack-timeout=2s",
                "--relay.connector.socket.initial-backoff=200ms",
                "--relay.connector.replies.key-prefix=" + PREFIX);
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

    static List<String> owned(ConfigurableApplicationContext instance) {
        var states = instance.getBean(BotOwnership.class).states();
        return new ArrayList<>(states.entrySet().stream().filter(e -> e.getValue() == ConnectionState.SUBSCRIBED)
                .map(Map.Entry::getKey).sorted().toList());
    }

    static Map<String, Integer> subscribes() {
        var counts = new java.util.HashMap<String, Integer>();
        BOTS.forEach(bot -> counts.put(bot, WECOM.subscribes(bot)));
        return counts;
    }

    static List<ReceivedFrame> frames(Injected message) {
        return WECOM.framesFor(message.reqId()).stream().filter(f -> f.cmd().equals("aibot_respond_msg")).toList();
    }

    /** What the responder does after folding: the stream hash, then the notice keyed by bot id. */
    static void fold(String bot, String streamId, String content, boolean finished) {
        redis.hset(StreamStateKeys.key(streamId), Map.of(StreamStateKeys.CONTENT, content, StreamStateKeys.FINISH,
                finished ? "1" : "0", StreamStateKeys.OWNER, bot));
        redis.expire(StreamStateKeys.key(streamId), 600);
        var notice = new StreamChanged(new EventMeta(UUID.randomUUID(), "trace", Instant.now()), bot, streamId);
        producer.send(new ProducerRecord<>(Topics.OUTBOUND.name(), bot, notice));
        producer.flush();
    }

    static MessageReceived awaitReceived(Injected message) {
        return await().atMost(WAIT).until(() -> {
            inbound.poll(Duration.ofMillis(200)).forEach(record -> {
                if (record.value() instanceof MessageReceived event) {
                    received.add(event);
                }
            });
            return received.stream().filter(event -> event.message().msgId().equals(message.msgId())).findFirst().orElse(null);
        }, event -> event != null);
    }
}
