package io.wecomrelay.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.wecomrelay.connector.ownership.BotOwnership;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.wecomrelay.connector.socket.ConnectionState;
import io.wecomrelay.schemas.bot.BotRegistryLoader;
import io.wecomrelay.schemas.event.Channel;
import io.wecomrelay.schemas.event.MessageReceived;
import io.wecomrelay.schemas.ids.StreamIds;
import io.wecomrelay.sim.wecomws.LongConnectionSimulator;
import io.wecomrelay.sim.wecomws.LongConnectionSimulator.Injected;
import io.wecomrelay.sim.wecomws.ReceivedFrame;
import io.wecomrelay.support.bots.BotsFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.json.JsonMapper;

/**
 * The connector against the real broker, real Redis and the WeCom long-connection simulator. The test plays the
 * responder's part: it writes {@code stream:{streamId}} as the responder folds it and sends the
 * {@code stream-changed} notice to {@code wecom.outbound}. The tests run in order: one instance first, then a second
 * one, then the owner of a bot stops in the middle of a stream.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConnectorTest {

    static final Duration WAIT = ConnectorHarness.WAIT;
    static final List<String> BOTS = List.of("ws-bot-1", "ws-bot-2", "ws-bot-3", "ws-bot-4");
    static final LongConnectionSimulator WECOM = LongConnectionSimulator.start();
    static final List<ConfigurableApplicationContext> INSTANCES = new CopyOnWriteArrayList<>();
    static ConnectorHarness harness;
    static Path botsFile;

    @BeforeAll
    static void start() {
        botsFile = ConnectorHarness.botsFile(WECOM, BOTS, "");
        WECOM.setAckDelay(Duration.ofMillis(150));
        harness = new ConnectorHarness();
        INSTANCES.add(instance());
    }

    @AfterAll
    static void stop() {
        harness.close();
        WECOM.close();
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
        assertThat(event.policyVersion()).isEqualTo(policyVersionInTheFile("ws-bot-1"));

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
        await().atMost(WAIT).until(() -> harness.redis.hget(harness.prefix + "open:ws-bot-1", streamId) == null);
    }

    @Test
    @Order(2)
    void aMessageAfterTheBotsFileChangedCarriesTheNewPolicyVersion() throws Exception {
        await().atMost(WAIT).until(() -> WECOM.subscribed("ws-bot-3"));
        String before = policyVersionInTheFile("ws-bot-3");
        double reloads = reloads(INSTANCES.get(0));
        Files.writeString(botsFile, Files.readString(botsFile).replace("    placeholder: 思考中…\n",
                "    placeholder: 思考中…\n    rate-limit-per-minute: 1234\n"));
        // counted after the reload listeners ran: the bot's session has the new settings
        await().atMost(WAIT).until(() -> reloads(INSTANCES.get(0)) > reloads);

        MessageReceived event = awaitReceived(WECOM.sendText("ws-bot-3", "zhaoliu", "还在吗"));

        assertThat(event.policyVersion()).isEqualTo(policyVersionInTheFile("ws-bot-3")).isNotEqualTo(before);
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

        harness.stop(owner);
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
        return harness.instance(botsFile, WECOM);
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
        return ConnectorHarness.streamFrames(WECOM, message.reqId());
    }

    static void fold(String bot, String streamId, String content, boolean finished) {
        harness.fold(bot, streamId, content, finished);
    }

    /** The policy version as every service computes it from the bots file on disk now. */
    static String policyVersionInTheFile(String bot) {
        return new BotRegistryLoader(System::getenv).load(botsFile).find(bot).orElseThrow().policyVersion();
    }

    static double reloads(ConfigurableApplicationContext instance) {
        Counter reloads = instance.getBean(MeterRegistry.class).find(BotsFile.RELOADS).tag("outcome", "ok").counter();
        return reloads == null ? 0 : reloads.count();
    }

    static MessageReceived awaitReceived(Injected message) {
        return harness.awaitReceived(message);
    }
}
