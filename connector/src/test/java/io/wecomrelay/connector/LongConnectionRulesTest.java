package io.wecomrelay.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import io.micrometer.core.instrument.MeterRegistry;
import io.wecomrelay.connector.ConnectorProperties.Inbound;
import io.wecomrelay.schemas.event.Channel;
import io.wecomrelay.schemas.event.MessageReceived;
import io.wecomrelay.schemas.ids.StreamIds;
import io.wecomrelay.sim.wecomws.LongConnectionSimulator;
import io.wecomrelay.sim.wecomws.LongConnectionSimulator.Injected;
import io.wecomrelay.sim.wecomws.ReceivedFrame;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The protocol's rules (reference §6) against the long-connection simulator, with WeCom's limits shortened so that
 * each runs in seconds: a stream may be updated for 8 s after its first frame (WeCom: 6 minutes), three subscribes
 * per bot in 5 s (WeCom: unpublished). Each test has a bot of its own and an instance in a consumer group of its own
 * (so it holds every partition, and with it the bot), configured as the test needs.
 */
class LongConnectionRulesTest {

    static final Duration WAIT = ConnectorHarness.WAIT;
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final LongConnectionSimulator WECOM = LongConnectionSimulator.start(Clock.systemUTC(),
            new LongConnectionSimulator.Settings(3, Duration.ofSeconds(5), Duration.ofSeconds(8), Duration.ofMillis(50)), 0);
    static final ConnectorHarness HARNESS = new ConnectorHarness();

    @AfterAll
    static void stop() {
        HARNESS.close();
        WECOM.close();
    }

    /** An instance holding {@code bot} alone, in a group of its own; subscribed when this returns. */
    static ConfigurableApplicationContext holding(String bot, String extraYaml, String... settings) {
        Path bots = ConnectorHarness.botsFile(WECOM, List.of(bot), extraYaml);
        String[] all = new String[settings.length + 1];
        all[0] = "--spring.kafka.consumer.group-id=connector-rules-" + UUID.randomUUID();
        System.arraycopy(settings, 0, all, 1, settings.length);
        var instance = HARNESS.instance(bots, WECOM, all);
        await().atMost(WAIT).until(() -> WECOM.subscribed(bot));
        return instance;
    }

    static String bot(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 6);
    }

    static double count(ConfigurableApplicationContext instance, String name, String... tags) {
        var counter = instance.getBean(MeterRegistry.class).find(name).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void subscribesRefusedWith45009WaitTheFrequencyBackoffBeforeTheNextTry() {
        String bot = bot("freq");
        var instance = holding(bot, "", "--relay.connector.socket.frequency-backoff=2s",
                "--relay.connector.socket.initial-backoff=50ms");

        // the network drops the socket again and again: the fourth subscribe within 5 s is refused
        await().atMost(WAIT).until(() -> {
            if (WECOM.subscribed(bot)) {
                WECOM.drop(bot);
            }
            return count(instance, "relay.connector.subscribes", "bot", bot, "errcode", "45009") > 0;
        });
        await().atMost(WAIT).until(() -> WECOM.subscribed(bot));

        List<ReceivedFrame> subscribes = WECOM.frames().stream()
                .filter(frame -> frame.cmd().equals("aibot_subscribe") && bot.equals(frame.body().path("bot_id").asString()))
                .toList();
        for (int i = 0; i + 1 < subscribes.size(); i++) {
            if (subscribes.get(i).errcode() == LongConnectionSimulator.FREQUENCY_LIMIT) {
                // frequency-backoff 2 s jittered +-50 %: never sooner than 1 s
                assertThat(Duration.between(subscribes.get(i).receivedAt(), subscribes.get(i + 1).receivedAt()))
                        .as("the try after a 45009").isGreaterThanOrEqualTo(Duration.ofSeconds(1));
            }
        }
        assertThat(subscribes).anyMatch(frame -> frame.errcode() == LongConnectionSimulator.FREQUENCY_LIMIT);
    }

    /** §6.3: no reconnect at once after disconnected_event; the operator sees KICKED, and one try after the pause. */
    @Test
    void aKickedBotStaysClosedForTheKickedRetryPauseThenSubscribesOnceMore() {
        String bot = bot("kicked");
        var instance = holding(bot, "", "--relay.connector.socket.kicked-retry=3s");
        int subscribes = WECOM.subscribes(bot);

        WECOM.kick(bot);

        await().atMost(WAIT).until(() -> instance.getBean(io.wecomrelay.connector.ownership.BotOwnership.class).states()
                .get(bot) == io.wecomrelay.connector.socket.ConnectionState.KICKED);
        assertThat(WECOM.subscribed(bot)).isFalse();
        await().atMost(WAIT).until(() -> WECOM.subscribes(bot) > subscribes && WECOM.subscribed(bot));
        assertThat(WECOM.subscribes(bot)).as("exactly one more subscribe").isEqualTo(subscribes + 1);
        assertThat(count(instance, "relay.connector.reconnects", "bot", bot, "cause", "kicked")).isEqualTo(1);
    }

    @Test
    void twoPingsWithoutAnAckCloseTheSocketAndItSubscribesAgain() {
        String bot = bot("ping");
        var instance = holding(bot, "", "--relay.connector.socket.ping-interval=300ms",
                "--relay.connector.socket.ack-timeout=1s");
        int subscribes = WECOM.subscribes(bot);

        WECOM.ignorePings(bot, true);
        await().atMost(WAIT).until(() -> count(instance, "relay.connector.reconnects", "bot", bot, "cause", "missed_pings") > 0);
        WECOM.ignorePings(bot, false);

        await().atMost(WAIT).until(() -> WECOM.subscribes(bot) > subscribes && WECOM.subscribed(bot));
        Injected message = WECOM.sendText(bot, "lisi", "还在吗");
        assertThat(HARNESS.awaitReceived(message).message().reqId()).isEqualTo(message.reqId());
    }

    @Test
    void notSubscribed846609SubscribesAgainAndResendsTheStreamsLatestText() {
        String bot = bot("resend");
        var instance = holding(bot, "");
        Injected message = WECOM.sendText(bot, "wangwu", "你好");
        String streamId = StreamIds.of(bot, message.msgId());
        HARNESS.awaitReceived(message);
        await().atMost(WAIT).until(() -> !ConnectorHarness.streamFrames(WECOM, message.reqId()).isEmpty());
        int subscribes = WECOM.subscribes(bot);

        WECOM.failNextReplies(bot, 1, LongConnectionSimulator.NOT_SUBSCRIBED);
        HARNESS.fold(bot, streamId, "第一段", false);

        await().atMost(WAIT).until(() -> ConnectorHarness.streamFrames(WECOM, message.reqId()).stream()
                .anyMatch(frame -> frame.streamContent().equals("第一段") && frame.errcode() == 0));
        List<ReceivedFrame> frames = ConnectorHarness.streamFrames(WECOM, message.reqId());
        assertThat(frames).anyMatch(frame -> frame.streamContent().equals("第一段")
                && frame.errcode() == LongConnectionSimulator.NOT_SUBSCRIBED);
        assertThat(WECOM.subscribes(bot)).isGreaterThan(subscribes);
        assertThat(count(instance, "relay.connector.reconnects", "bot", bot, "cause", "not_subscribed")).isPositive();
        HARNESS.fold(bot, streamId, "第一段，第二段", true);
        await().atMost(WAIT).until(() -> ConnectorHarness.streamFrames(WECOM, message.reqId()).stream()
                .anyMatch(frame -> frame.finished() && frame.errcode() == 0 && frame.streamContent().equals("第一段，第二段")));
    }

    /**
     * A long answer: the same text goes out again after keep-alive (1 s here, 3 minutes in production, below WeCom's
     * 4), and the stream is finished at finish-deadline (5 s here, 330 s in production) with its text and the note,
     * which the simulator accepts only before its limit (8 s here, WeCom's 6 minutes).
     */
    @Test
    void aSilentStreamIsKeptAliveAndFinishedWithTheNoteBeforeWeComsLimit() {
        String bot = bot("slow");
        holding(bot, "", "--relay.connector.replies.keep-alive=1s", "--relay.connector.replies.finish-deadline=5s",
                "--relay.connector.replies.recheck=500ms", "--relay.connector.replies.tick=200ms");
        Injected message = WECOM.sendText(bot, "zhaoliu", "写一篇长文");
        String streamId = StreamIds.of(bot, message.msgId());
        HARNESS.awaitReceived(message);
        HARNESS.fold(bot, streamId, "第一章", false);

        await().atMost(WAIT).until(() -> ConnectorHarness.streamFrames(WECOM, message.reqId()).stream().anyMatch(ReceivedFrame::finished));
        List<ReceivedFrame> frames = ConnectorHarness.streamFrames(WECOM, message.reqId());
        ReceivedFrame last = frames.get(frames.size() - 1);
        assertThat(last.finished()).isTrue();
        assertThat(last.streamContent()).isEqualTo("第一章" + ConnectorProperties.Replies.DEFAULT_OVERDUE);
        assertThat(frames).as("every frame within the limit").allMatch(frame -> frame.errcode() == 0);
        assertThat(frames.stream().filter(frame -> !frame.finished() && frame.streamContent().equals("第一章")).count())
                .as("the text, then at least one keep-alive").isGreaterThanOrEqualTo(2);
        assertThat(WECOM.violations()).isEmpty();
    }

    @Test
    void whenKafkaDoesNotTakeTheMessageTheStreamIsFinishedWithTheUnavailableText() {
        String bot = bot("nokafka");
        // the producer alone talks to a port nobody listens on; ownership (the consumer) uses the real broker
        // closed at the end: its producer would otherwise retry the dead port for the rest of the test JVM
        try (var instance = holding(bot, "", "--spring.kafka.producer.bootstrap-servers=127.0.0.1:9",
                "--spring.kafka.producer.properties.max.block.ms=500",
                "--relay.connector.inbound.publish-timeout=1s", "--relay.connector.inbound.publish-patience=3s")) {

            Injected message = WECOM.sendText(bot, "qianba", "你好");

            await().atMost(WAIT).until(() -> ConnectorHarness.streamFrames(WECOM, message.reqId()).stream().anyMatch(ReceivedFrame::finished));
            List<ReceivedFrame> frames = ConnectorHarness.streamFrames(WECOM, message.reqId());
            assertThat(frames).hasSize(1);
            assertThat(frames.get(0).streamContent()).isEqualTo(Inbound.DEFAULT_UNAVAILABLE);
            assertThat(frames.get(0).errcode()).isZero();
            assertThat(HARNESS.receivedSoFar()).noneMatch(event -> event.message().msgId().equals(message.msgId()));
        }
    }

    /** WeCom may deliver a message twice (protocol §3.1); the second delivery has its own req_id, which is answered too. */
    @Test
    void aMessageDeliveredTwiceIsAnsweredOnBothReqIdsWithOneStream() {
        String bot = bot("dup");
        holding(bot, "");
        ObjectNode body = JSON.createObjectNode();
        body.put("msgid", "dup-" + UUID.randomUUID()).put("aibotid", bot).put("chattype", "single").put("msgtype", "text");
        body.putObject("from").put("userid", "sunqi");
        body.putObject("text").put("content", "你好");
        String streamId = StreamIds.of(bot, body.path("msgid").asString());

        Injected first = WECOM.inject(bot, "aibot_msg_callback", body);
        HARNESS.awaitReceived(first);
        await().atMost(WAIT).until(() -> !ConnectorHarness.streamFrames(WECOM, first.reqId()).isEmpty());
        Injected again = WECOM.inject(bot, "aibot_msg_callback", body);

        await().atMost(WAIT).until(() -> !ConnectorHarness.streamFrames(WECOM, again.reqId()).isEmpty());
        HARNESS.fold(bot, streamId, "只回答一次", true);
        for (Injected delivery : List.of(first, again)) {
            await().atMost(WAIT).until(() -> ConnectorHarness.streamFrames(WECOM, delivery.reqId()).stream().anyMatch(ReceivedFrame::finished));
            List<ReceivedFrame> frames = ConnectorHarness.streamFrames(WECOM, delivery.reqId());
            assertThat(frames).allMatch(frame -> frame.streamId().equals(streamId) && frame.errcode() == 0);
            assertThat(frames.get(frames.size() - 1).streamContent()).isEqualTo("只回答一次");
        }
        assertThat(WECOM.violations()).isEmpty();
        await().atMost(WAIT).until(() -> HARNESS.redis.hlen(HARNESS.prefix + "open:" + bot) == 0);
    }

    @Test
    void aClickedCardIsReplacedWithTheEventsTaskIdWithinFiveSeconds() {
        String bot = bot("card");
        holding(bot, "    card-update: { card_type: text_notice, main_title: { title: 已处理 } }\n");
        ObjectNode click = JSON.createObjectNode().put("card_type", "button_interaction").put("event_key", "ok")
                .put("task_id", "task-7");

        Injected event = WECOM.sendEvent(bot, "zhouyi", "template_card_event", click);

        await().atMost(Duration.ofSeconds(5)).until(() -> !WECOM.framesFor(event.reqId()).isEmpty());
        ReceivedFrame update = WECOM.framesFor(event.reqId()).get(0);
        assertThat(update.cmd()).isEqualTo("aibot_respond_update_msg");
        assertThat(update.errcode()).isZero();
        assertThat(update.body().path("response_type").asString()).isEqualTo("update_template_card");
        assertThat(update.body().path("template_card").path("task_id").asString()).isEqualTo("task-7");
        assertThat(update.body().path("template_card").path("main_title").path("title").asString()).isEqualTo("已处理");
        assertThat(HARNESS.awaitReceived(event).message().eventType()).isEqualTo("template_card_event");
    }

    /**
     * A like or dislike is published like ingress publishes a callback's (the worker reads the same body and passes it
     * to Dify; EndToEndTest in devstack follows one to the Dify simulator).
     */
    @Test
    void aFeedbackEventIsPublishedWithItsBodyLikeACallbacks() {
        String bot = bot("feedback");
        holding(bot, "");
        ObjectNode feedback = JSON.createObjectNode().put("id", "stream-1").put("type", 2).put("content", "不准确");

        Injected event = WECOM.sendEvent(bot, "wuer", "feedback_event", feedback);

        MessageReceived published = HARNESS.awaitReceived(event);
        assertThat(published.botId()).isEqualTo(bot);
        assertThat(published.message().eventType()).isEqualTo("feedback_event");
        assertThat(published.message().channel()).isEqualTo(Channel.LONG_CONNECTION);
        assertThat(published.message().body().path("event").path("feedback_event")).isEqualTo(feedback);
        assertThat(WECOM.framesFor(event.reqId())).as("a feedback gets no answer").isEmpty();
    }
}
