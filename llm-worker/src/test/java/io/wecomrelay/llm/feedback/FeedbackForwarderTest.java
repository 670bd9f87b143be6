package io.wecomrelay.llm.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wecomrelay.llm.TestWheel;
import io.wecomrelay.llm.dify.ChatRequest;
import io.wecomrelay.llm.dify.DifyClient;
import io.wecomrelay.llm.input.Input;
import io.wecomrelay.llm.state.MessageStore;
import io.wecomrelay.llm.state.MessageStore.DifyMessage;
import io.wecomrelay.schemas.bot.BotConfig;
import io.wecomrelay.schemas.bot.BotRegistry;
import io.wecomrelay.schemas.bot.BotRegistryLoader;
import io.wecomrelay.schemas.event.MessageAccepted;
import io.wecomrelay.schemas.testing.Events;
import io.wecomrelay.sim.dify.DifySimulator;
import io.wecomrelay.sim.dify.DifySimulatorConfig;
import io.wecomrelay.sim.dify.RecordedFeedback;
import io.wecomrelay.testkit.TestInfrastructure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Feedback between tenants, with real Redis and the Dify simulator: bot A's callback naming a stream
 * that bot B answered must not reach Dify, whichever app and user the stored message has.
 */
class FeedbackForwarderTest {

    static final DifySimulator DIFY = DifySimulator.start(DifySimulatorConfig.defaults().withPort(0));
    static LettuceConnectionFactory factory;
    static ReactiveStringRedisTemplate redis;
    static BotRegistry bots;
    static DifyClient dify;

    final Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
    final MessageStore messages = new MessageStore(redis, Duration.ofHours(1), TestWheel.bound(Duration.ofSeconds(5)));
    final FeedbackForwarder forwarder = new FeedbackForwarder(bots, messages, dify, Duration.ofSeconds(10),
            (botId, outcome) -> outcomes.computeIfAbsent(botId + ":" + outcome.tag(), k -> new AtomicInteger()).incrementAndGet());

    @BeforeAll
    static void start() throws IOException {
        factory = new LettuceConnectionFactory(LettuceConnectionFactory.createRedisConfiguration(TestInfrastructure.redisUrl()));
        factory.afterPropertiesSet();
        factory.start();
        redis = new ReactiveStringRedisTemplate(factory);
        bots = new BotRegistryLoader(name -> null).load(botsFile());
        dify = new DifyClient(WebClient.create(), new DifyClient.RetryPolicy(1, Duration.ofMillis(10), Duration.ofMillis(10), 0),
                TestWheel.bound(Duration.ofSeconds(5)), TestWheel.bound(Duration.ofSeconds(5)), new DifyClient.StreamLimits(1 << 20, 1 << 20), Duration.ofSeconds(2), new SimpleMeterRegistry());
    }

    @AfterAll
    static void stop() {
        factory.destroy();
        DIFY.close();
    }

    @Test
    void aFeedbackNamingAnotherBotsStreamIsDroppedAndCounted() {
        // Given bot B's answer on a stream, stored as the worker stores it
        String streamOfB = "stream-" + UUID.randomUUID();
        DifyMessage answerOfB = answer("bot-b", streamOfB);

        // When bot A's callback rates B's stream, then B's own callback does
        forwarder.forward(feedbackFrom("bot-a"), new Input.Feedback(streamOfB, Input.Rating.DISLIKE, "bad")).block();
        List<RecordedFeedback> afterA = feedbacksOn(answerOfB.messageId());
        forwarder.forward(feedbackFrom("bot-b"), new Input.Feedback(streamOfB, Input.Rating.LIKE, null)).block();

        // Then A's feedback never reached Dify and is counted as foreign; B's own went through
        assertThat(afterA).isEmpty();
        assertThat(count("bot-a", FeedbackForwarder.Outcome.FOREIGN)).isEqualTo(1);
        assertThat(feedbacksOn(answerOfB.messageId())).singleElement()
                .satisfies(feedback -> assertThat(feedback.rating()).isEqualTo("like"));
        assertThat(count("bot-b", FeedbackForwarder.Outcome.SENT)).isEqualTo(1);
    }

    @Test
    void aMessageStoredWithoutItsBotIsNotUsed() {
        // Given an entry in the format of workers that did not keep the owning bot
        String stream = "stream-" + UUID.randomUUID();
        DifyMessage answer = answer("bot-a", stream);
        redis.opsForValue().set("llm:message:" + stream, answer.messageId() + "\n" + answer.user()).block();

        // When
        forwarder.forward(feedbackFrom("bot-a"), new Input.Feedback(stream, Input.Rating.LIKE, null)).block();

        // Then
        assertThat(feedbacksOn(answer.messageId())).isEmpty();
        assertThat(count("bot-a", FeedbackForwarder.Outcome.UNKNOWN_MESSAGE)).isEqualTo(1);
    }

    /** A real answer of the bot's Dify app, saved for the stream. */
    private DifyMessage answer(String botId, String streamId) {
        BotConfig bot = bots.find(botId).orElseThrow();
        String user = "wecom:" + botId + ":zhangsan";
        String messageId = dify.chat(bot.dify(), new ChatRequest("rate me", user, null, List.of()))
                .mapNotNull(event -> event.ids().messageId())
                .blockLast(Duration.ofSeconds(10));
        var message = new DifyMessage(botId, Objects.requireNonNull(messageId), user);
        messages.save(streamId, message).block();
        return message;
    }

    private static MessageAccepted feedbackFrom(String botId) {
        return Events.accepted(botId, "feedback-" + UUID.randomUUID(), Events.T0);
    }

    private static List<RecordedFeedback> feedbacksOn(String messageId) {
        return DIFY.feedbacks().stream().filter(feedback -> feedback.messageId().equals(messageId)).toList();
    }

    private int count(String botId, FeedbackForwarder.Outcome outcome) {
        AtomicInteger count = outcomes.get(botId + ":" + outcome.tag());
        return count == null ? 0 : count.get();
    }

    private static Path botsFile() throws IOException {
        String common = "    token: QDG6eK\n    aes-key: jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C\n"
                + "    dify: { base-url: " + DIFY.baseUrl() + ", api-key: " + DifySimulatorConfig.DEFAULT_API_KEY + ", allow-insecure-http: true }\n";
        Path file = Files.createTempFile("bots", ".yaml");
        Files.writeString(file, "bots:\n  - id: bot-a\n" + common + "  - id: bot-b\n" + common);
        file.toFile().deleteOnExit();
        return file;
    }
}
