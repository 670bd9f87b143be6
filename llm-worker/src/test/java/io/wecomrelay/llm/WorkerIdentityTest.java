package io.wecomrelay.llm;

import static io.wecomrelay.llm.WorkerTestSupport.send;
import static io.wecomrelay.llm.WorkerTestSupport.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.wecomrelay.llm.reply.ErrorCodes;
import io.wecomrelay.schemas.event.ChatType;
import io.wecomrelay.schemas.event.Decision;
import io.wecomrelay.schemas.event.EventMeta;
import io.wecomrelay.schemas.event.EventSerde;
import io.wecomrelay.schemas.event.InboundMessage;
import io.wecomrelay.schemas.event.MessageAccepted;
import io.wecomrelay.schemas.event.ReplyChunk;
import io.wecomrelay.schemas.ids.ConversationKeys;
import io.wecomrelay.schemas.ids.StreamIds;
import io.wecomrelay.sim.auth.AuthServiceSimulator;
import io.wecomrelay.sim.dify.DifySimulator;
import io.wecomrelay.sim.dify.DifySimulatorConfig;
import io.wecomrelay.sim.dify.RecordedChatRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Dify apps that need context (issue 21), through one worker on the in-JVM broker and a real Redis: {@code dify.inputs}
 * filled from single and group chats, a required input missing or present, and the asker's token from the auth
 * simulator: cached, expired (its TTL) and refreshed (Dify's 401), refused, unavailable, one lookup per user; and no
 * token in any log line, chunk or metric.
 */
@SpringBootTest(classes = LlmWorkerApplication.class)
class WorkerIdentityTest {

    private static final String PREFIX = "ident";
    private static final String ACCEPTED = PREFIX + ".accepted";
    private static final String INPUTS_BOT = "bot-inputs";
    private static final String BARE_BOT = "bot-bare";
    private static final String TOKEN_BOT = "bot-token";
    private static final String HEADER_BOT = "bot-header";
    private static final String DIFY_KEY = "app-identity-key";
    private static final String UNAUTHORIZED_TEXT = "你没有权限（custom）";
    private static final WorkerTestSupport.ChunkCollector CHUNKS = WorkerTestSupport.chunks(PREFIX + ".chunks");
    private static final DifySimulator DIFY = DifySimulator.start(DifySimulatorConfig.defaults().withApiKeys(DIFY_KEY)
            .withCadence(2, Duration.ofMillis(10)));
    private static final AuthServiceSimulator AUTH = AuthServiceSimulator.start("auth-secret");
    private static final ListAppender<ILoggingEvent> LOGS = new ListAppender<>();

    @Autowired
    MeterRegistry meters;

    @Autowired
    ReactiveStringRedisTemplate redis;

    @BeforeAll
    static void declareInputs() {
        DIFY.requireInputs("asker").checkInput("user_token", AUTH::isValid);
    }

    /** After the context started: Boot's logging system resets Logback's appenders while it starts. */
    @BeforeEach
    void captureLogs() {
        var root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        if (root.getAppender(LOGS.getName()) == null) {
            LOGS.setName("identity-test-capture");
            LOGS.start();
            root.addAppender(LOGS);
        }
    }

    @AfterAll
    static void stop() {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(LOGS);
        DIFY.close();
        AUTH.close();
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        WorkerTestSupport.properties(PREFIX).forEach((key, value) -> registry.add(key, () -> value));
        registry.add("relay.worker.bots-file", () -> botsFile().toString());
        registry.add("relay.worker.identity.allowed-hosts[0]", AUTH::origin);
        registry.add("relay.worker.identity.first-backoff", () -> "20ms");
        // everything the worker's own code logs, also at DEBUG, is scanned for tokens
        registry.add("logging.level.io.wecomrelay", () -> "DEBUG");
    }

    private static Path botsFile() {
        String app = "base-url: %s, api-key: %s, allow-insecure-http: true".formatted(DIFY.baseUrl(), DIFY_KEY);
        String identity = "url: \"%s\", api-key: auth-secret, allow-insecure-http: true".formatted(AUTH.url());
        String yaml = """
                bots:
                  - id: %1$s
                    token: QDG6eK
                    aes-key: %2$s
                    dify:
                      { %3$s, inputs: { asker: "{user_id}", where: "{chat_type}:{chat_id}", bot: "{bot_id}",
                        kind: "{msgtype}", at: "{received_at}", tenant: acme } }
                  - id: %4$s
                    token: QDG6eK
                    aes-key: %2$s
                    dify: { %3$s }
                  - id: %5$s
                    token: QDG6eK
                    aes-key: %2$s
                    dify: { %3$s, inputs: { asker: "{user_id}" } }
                    identity: { %6$s, input: user_token, ttl: 10m }
                    rejection-texts: { unauthorized: "%7$s" }
                  - id: %8$s
                    token: QDG6eK
                    aes-key: %2$s
                    dify: { %3$s, inputs: { asker: "{user_id}" } }
                    identity: { %6$s, header: X-User-Token }
                """.formatted(INPUTS_BOT, WorkerTestSupport.AES_KEY, app, BARE_BOT, TOKEN_BOT, identity,
                UNAUTHORIZED_TEXT, HEADER_BOT);
        return WorkerTestSupport.botsFile(yaml);
    }

    @Test
    void templatesAreFilledFromASingleChat() {
        String user = user();
        var message = single(INPUTS_BOT, user, "single " + UUID.randomUUID());
        send(ACCEPTED, message);

        var reply = CHUNKS.awaitReply(message);

        assertThat(reply.errorCode()).isNull();
        var inputs = only(message).inputs();
        assertThat(inputs.path("asker").asString()).isEqualTo(user);
        assertThat(inputs.path("where").asString()).isEqualTo("single:");
        assertThat(inputs.path("bot").asString()).isEqualTo(INPUTS_BOT);
        assertThat(inputs.path("kind").asString()).isEqualTo("text");
        assertThat(inputs.path("at").asString()).isEqualTo(message.receivedAt().toString());
        assertThat(inputs.path("tenant").asString()).isEqualTo("acme");
    }

    @Test
    void templatesAreFilledFromAGroupChat() {
        String user = user();
        var message = group(INPUTS_BOT, "chat-" + UUID.randomUUID(), user, "group " + UUID.randomUUID());
        send(ACCEPTED, message);

        CHUNKS.awaitReply(message);

        var inputs = only(message).inputs();
        assertThat(inputs.path("asker").asString()).isEqualTo(user);
        assertThat(inputs.path("where").asString()).isEqualTo("group:" + message.message().chatId());
    }

    @Test
    void aRequiredInputMissingIsDifysInvalidParamAndPresentIsAnswered() {
        var without = single(BARE_BOT, user(), "bare " + UUID.randomUUID());
        var with = single(INPUTS_BOT, user(), "with " + UUID.randomUUID());
        send(ACCEPTED, without);
        send(ACCEPTED, with);

        assertThat(CHUNKS.awaitReply(without).errorCode()).isEqualTo("invalid_param");
        assertThat(only(without).status()).isEqualTo(400);
        var answered = CHUNKS.awaitReply(with);
        assertThat(answered.errorCode()).isNull();
        assertThat(answered.text()).isEqualTo(DifySimulator.expectedAnswer(query(with)));
    }

    @Test
    void aTokenIsFetchedOnceThenServedFromRedis() {
        String user = user();
        var first = single(TOKEN_BOT, user, "first " + UUID.randomUUID());
        send(ACCEPTED, first);
        assertThat(CHUNKS.awaitReply(first).errorCode()).isNull();
        var second = single(TOKEN_BOT, user, "second " + UUID.randomUUID());
        send(ACCEPTED, second);
        assertThat(CHUNKS.awaitReply(second).errorCode()).isNull();

        assertThat(AUTH.calls(user)).isEqualTo(1);
        String token = only(first).inputs().path("user_token").asString();
        assertThat(AUTH.isValid(token)).isTrue();
        assertThat(only(second).inputs().path("user_token").asString()).isEqualTo(token);
        String key = "llm:identity:" + TOKEN_BOT.length() + ":" + TOKEN_BOT + ":" + user;
        assertThat(redis.opsForValue().get(key).block()).isEqualTo(token);
        assertThat(redis.getExpire(key).block()).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(10));
        assertThat(counted("relay.worker.identity.tokens", TOKEN_BOT, "cached")).isPositive();
    }

    @Test
    void aTokenPastItsTtlIsFetchedAgain() {
        String user = user();
        AUTH.expiresIn(Duration.ofSeconds(1));
        try {
            var first = single(TOKEN_BOT, user, "short " + UUID.randomUUID());
            send(ACCEPTED, first);
            assertThat(CHUNKS.awaitReply(first).errorCode()).isNull();
        } finally {
            AUTH.expiresIn(Duration.ofHours(1));
        }
        String key = "llm:identity:" + TOKEN_BOT.length() + ":" + TOKEN_BOT + ":" + user;
        await("token expired in Redis").atMost(Duration.ofSeconds(5))
                .until(() -> !Boolean.TRUE.equals(redis.hasKey(key).block()));

        var second = single(TOKEN_BOT, user, "again " + UUID.randomUUID());
        send(ACCEPTED, second);

        assertThat(CHUNKS.awaitReply(second).errorCode()).isNull();
        assertThat(AUTH.calls(user)).isEqualTo(2);
    }

    @Test
    void aTokenDifyTurnsDownIsRefreshedOnce() {
        String user = user();
        var first = single(TOKEN_BOT, user, "before " + UUID.randomUUID());
        send(ACCEPTED, first);
        assertThat(CHUNKS.awaitReply(first).errorCode()).isNull();
        double refreshedBefore = counted("relay.worker.identity.tokens", TOKEN_BOT, "refreshed");
        AUTH.expireTokens();   // still in Redis, but Dify's check turns it down

        var second = single(TOKEN_BOT, user, "after " + UUID.randomUUID());
        send(ACCEPTED, second);

        var reply = CHUNKS.awaitReply(second);
        assertThat(reply.errorCode()).isNull();
        assertThat(reply.text()).isEqualTo(DifySimulator.expectedAnswer(query(second)));
        var requests = DIFY.requestsFor(query(second));
        assertThat(requests).extracting(RecordedChatRequest::status).containsExactly(401, 200);
        assertThat(AUTH.isValid(requests.get(1).inputs().path("user_token").asString())).isTrue();
        assertThat(AUTH.calls(user)).isEqualTo(2);
        assertThat(reply.chunks()).allSatisfy(chunk -> assertThat(chunk.attempt()).isEqualTo(1));
        assertThat(counted("relay.worker.identity.tokens", TOKEN_BOT, "refreshed")).isEqualTo(refreshedBefore + 1);
    }

    @Test
    void aTokenInAHeaderReachesDify() {
        var message = single(HEADER_BOT, user(), "header " + UUID.randomUUID());
        send(ACCEPTED, message);

        assertThat(CHUNKS.awaitReply(message).errorCode()).isNull();
        var request = only(message);
        assertThat(AUTH.isValid(request.headers().get("x-user-token"))).isTrue();
        assertThat(request.inputs().has("user_token")).isFalse();
    }

    @Test
    void aRefusedAskerGetsTheBotsUnauthorizedTextWithTheReasonRecorded() {
        String user = user();
        AUTH.refuse(user, "not_employee");
        var message = single(TOKEN_BOT, user, "refused " + UUID.randomUUID());
        send(ACCEPTED, message);

        var reply = CHUNKS.awaitReply(message);

        assertThat(reply.text()).isEqualTo(UNAUTHORIZED_TEXT);
        assertThat(reply.last().error().code()).isEqualTo(ErrorCodes.IDENTITY_REFUSED);
        assertThat(reply.last().error().detail()).isEqualTo("not_employee");
        assertThat(DIFY.requestsFor(query(message))).isEmpty();
        assertThat(counted("relay.worker.identity.tokens", TOKEN_BOT, "refused")).isPositive();
    }

    @Test
    void anUnavailableAuthServiceFinishesTheStreamWithAnExplanation() {
        var message = single(TOKEN_BOT, user(), "down " + UUID.randomUUID());
        AUTH.down(true);
        try {
            send(ACCEPTED, message);
            var reply = CHUNKS.awaitReply(message);

            assertThat(reply.errorCode()).isEqualTo(ErrorCodes.IDENTITY_UNAVAILABLE);
            assertThat(reply.last().last()).isTrue();
            assertThat(reply.text()).contains("identity could not be checked");
        } finally {
            AUTH.down(false);
        }
        assertThat(AUTH.calls(message.message().userId())).as("bounded retries: relay.worker.identity.max-attempts")
                .isEqualTo(2);
        assertThat(DIFY.requestsFor(query(message))).isEmpty();
        assertThat(counted("relay.worker.identity.tokens", TOKEN_BOT, "unavailable")).isPositive();
    }

    @Test
    void oneLookupAtATimePerUser() {
        // one user in five group chats: five conversations answered at once, all needing the same user's token
        String user = user();
        AUTH.delay(Duration.ofMillis(400));
        var messages = new ArrayList<MessageAccepted>();
        try {
            for (int i = 0; i < 5; i++) {
                var message = group(TOKEN_BOT, "chat-" + UUID.randomUUID(), user, "crowd " + UUID.randomUUID());
                messages.add(message);
                send(ACCEPTED, message);
            }
            messages.forEach(message -> assertThat(CHUNKS.awaitReply(message).errorCode()).isNull());
        } finally {
            AUTH.delay(Duration.ZERO);
        }
        assertThat(AUTH.calls(user)).isEqualTo(1);
        assertThat(messages).extracting(m -> only(m).inputs().path("user_token").asString()).containsOnly(
                only(messages.get(0)).inputs().path("user_token").asString());
    }

    @Test
    void noTokenInAnyLogLineChunkOrMetric() {
        // a fetch, a refresh after Dify's 401 and a header bot, so that tokens went every way they can
        String user = user();
        var first = single(TOKEN_BOT, user, "leak-1 " + UUID.randomUUID());
        send(ACCEPTED, first);
        CHUNKS.awaitReply(first);
        AUTH.expireTokens();
        var second = single(TOKEN_BOT, user, "leak-2 " + UUID.randomUUID());
        var third = single(HEADER_BOT, user, "leak-3 " + UUID.randomUUID());
        send(ACCEPTED, second);
        send(ACCEPTED, third);
        CHUNKS.awaitReply(second);
        CHUNKS.awaitReply(third);

        var tokens = AUTH.issuedTokens();
        assertThat(tokens).hasSizeGreaterThanOrEqualTo(3);
        List<String> lines = new ArrayList<>();
        for (ILoggingEvent event : List.copyOf(LOGS.list)) {
            lines.add(event.getFormattedMessage());
            lines.add(String.valueOf(event.getMDCPropertyMap()));
            for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
                lines.add(t.getMessage());
            }
        }
        assertThat(lines).as("captured log lines").hasSizeGreaterThan(10);
        for (var message : List.of(first, second, third)) {
            for (ReplyChunk chunk : CHUNKS.all(message.streamId())) {
                lines.add(new String(EventSerde.any().serialize("t", chunk), java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        for (Meter meter : meters.getMeters()) {
            lines.add(meter.getId().toString());
        }
        for (String token : tokens) {
            assertThat(lines).noneMatch(line -> line != null && line.contains(token));
        }
    }

    private double counted(String name, String bot, String outcome) {
        return meters.find(name).tag("bot", bot).tag("outcome", outcome).counters().stream()
                .mapToDouble(Counter::count).sum();
    }

    private static String query(MessageAccepted message) {
        return message.message().body().path("text").path("content").asString();
    }

    private static RecordedChatRequest only(MessageAccepted message) {
        var requests = DIFY.requestsFor(query(message));
        assertThat(requests).hasSize(1);
        return requests.get(0);
    }

    private static MessageAccepted single(String bot, String userId, String content) {
        return accepted(bot, null, userId, content);
    }

    private static MessageAccepted group(String bot, String chatId, String userId, String content) {
        return accepted(bot, chatId, userId, content);
    }

    private static MessageAccepted accepted(String bot, String chatId, String userId, String content) {
        String msgId = "msg-" + UUID.randomUUID();
        var json = EventSerde.mapper().createObjectNode();
        json.put("msgid", msgId).put("aibotid", bot).put("chattype", chatId == null ? "single" : "group")
                .put("msgtype", "text");
        if (chatId != null) {
            json.put("chatid", chatId);
        }
        json.putObject("from").put("userid", userId);
        json.putObject("text").put("content", content);
        var message = new InboundMessage(msgId, "text", null, chatId == null ? ChatType.SINGLE : ChatType.GROUP, chatId,
                userId, null, json);
        Instant now = Instant.now();
        return new MessageAccepted(new EventMeta(UUID.randomUUID(), "trace-" + msgId, now), bot, StreamIds.of(bot, msgId),
                ConversationKeys.of(bot, chatId, userId, true), message, now, new Decision("accept", "test"));
    }
}
