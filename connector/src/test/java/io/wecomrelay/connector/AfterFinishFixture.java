package io.wecomrelay.connector;

import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import io.wecomrelay.schemas.ids.StreamIds;
import io.wecomrelay.schemas.stream.StreamStateKeys;
import io.wecomrelay.schemas.text.Continuation;
import io.wecomrelay.schemas.text.MarkdownSplitter;
import io.wecomrelay.sim.wecomws.LongConnectionSimulator;
import io.wecomrelay.sim.wecomws.LongConnectionSimulator.Injected;
import io.wecomrelay.sim.wecomws.ReceivedFrame;
import io.wecomrelay.sim.wecomws.SentImage;
import io.wecomrelay.sim.wecomws.SentMarkdown;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * What the tests of a reply's after-finish step share (the rest of a long answer, its images): one long-connection
 * bot at the simulator, connector instances against the real broker and Redis, the worker's and the responder's part
 * (the images in Redis, the final stream hash and its notice), and what the simulator saw for one message. The checks
 * stay in the tests.
 */
final class AfterFinishFixture implements AutoCloseable {

    static final String NOTE = "\n\n（续下条 / continued below）";
    static final int MAX = LongConnectionSimulator.MAX_CONTENT_BYTES;
    static final String CONTINUATIONS = "relay.connector.continuations";
    static final String IMAGES = "relay.connector.images";

    final LongConnectionSimulator wecom = LongConnectionSimulator.start();
    final ConnectorHarness harness;
    final String bot;
    private final Path botsFile;

    AfterFinishFixture(String bot) {
        this(bot, new ConnectorHarness());
    }

    AfterFinishFixture(String bot, ConnectorHarness harness) {
        this.bot = bot;
        this.harness = harness;
        this.botsFile = ConnectorHarness.botsFile(wecom, List.of(bot), "");
    }

    /** A connector instance for the bot, with the test settings and then {@code settings}. */
    ConfigurableApplicationContext instance(String... settings) {
        return harness.instance(botsFile, wecom, settings);
    }

    /** A connector instance for the bot, as {@link #instance}, once WeCom has its socket subscribed. */
    ConfigurableApplicationContext subscribedInstance(String... settings) {
        ConfigurableApplicationContext instance = instance(settings);
        await().atMost(ConnectorHarness.WAIT).until(() -> wecom.subscribed(bot));
        return instance;
    }

    /** The markdown parts the after-finish step sends of {@code answer} after the stream's, in order. */
    static List<String> restParts(String answer) {
        return MarkdownSplitter.split(Continuation.of(answer, MAX, NOTE).rest(), MAX);
    }

    /** A text message to the bot, once its stream's first frame went out. */
    Injected message(String userId, String content) {
        Injected message = wecom.sendText(bot, userId, content);
        awaitFirstFrame(message);
        return message;
    }

    /** WeCom delivering {@code first} again on a req_id of its own, once that one's first frame went out. */
    Injected deliverAgain(Injected first, String userId, String content) {
        Injected again = ConnectorHarness.deliverAgain(wecom, bot, first, userId, content);
        awaitFirstFrame(again);
        return again;
    }

    String streamId(Injected message) {
        return StreamIds.of(bot, message.msgId());
    }

    /** The worker's images in Redis (if any), then the responder's final fold of a short answer naming them. */
    void finish(Injected message, String text, byte[]... images) {
        if (images.length > 0) {
            harness.attachImages(streamId(message), images);
        }
        harness.fold(bot, streamId(message), text, true);
    }

    /**
     * The responder's final fold of an answer longer than one stream: its first part and {@link #NOTE} shown, the
     * whole answer and the note kept in the hash; and the worker's images, if any.
     */
    void finishLong(Injected message, String answer, byte[]... images) {
        String streamId = streamId(message);
        if (images.length > 0) {
            harness.attachImages(streamId, images);
        }
        harness.redis.hset(StreamStateKeys.key(streamId), Map.of(StreamStateKeys.FULL, answer,
                StreamStateKeys.CONTINUED_NOTE, NOTE));
        harness.fold(bot, streamId, Continuation.of(answer, MAX, NOTE).shown(), true);
    }

    /** The markdown messages WeCom took on the message's req_id, in order. */
    List<String> markdownOf(Injected message) {
        return wecom.sentMarkdown(bot).stream().filter(markdown -> markdown.reqId().equals(message.reqId()))
                .map(SentMarkdown::content).toList();
    }

    /** The image messages WeCom took on the message's req_id, in order. */
    List<SentImage> imagesOf(Injected message) {
        return wecom.sentImages(bot).stream().filter(image -> image.reqId().equals(message.reqId())).toList();
    }

    boolean finished(Injected message) {
        return ConnectorHarness.streamFrames(wecom, message.reqId()).stream().anyMatch(ReceivedFrame::finished);
    }

    /** The {@code aibot_respond_msg} frames after the message's finish frame, by msgtype ({@code markdown}, {@code image}). */
    List<String> afterFinish(Injected message) {
        List<ReceivedFrame> frames = ConnectorHarness.streamFrames(wecom, message.reqId());
        int finish = frames.indexOf(frames.stream().filter(ReceivedFrame::finished).findFirst().orElseThrow());
        return frames.subList(finish + 1, frames.size()).stream().map(frame -> frame.body().path("msgtype").asString(""))
                .toList();
    }

    /** An after-finish counter of the bot on {@code instance} ({@code relay.connector.continuations} or {@code .images}). */
    double count(ConfigurableApplicationContext instance, String metric, String outcome) {
        return count(instance.getBean(MeterRegistry.class), metric, outcome);
    }

    double count(MeterRegistry meters, String metric, String outcome) {
        var counter = meters.find(metric).tags("bot", bot, "outcome", outcome).counter();
        return counter == null ? 0 : counter.count();
    }

    private void awaitFirstFrame(Injected message) {
        await().atMost(ConnectorHarness.WAIT).until(() -> !wecom.framesFor(message.reqId()).isEmpty());
    }

    @Override
    public void close() {
        harness.close();
        wecom.close();
    }
}
