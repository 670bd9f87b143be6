package io.wecomrelay.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import io.wecomrelay.schemas.ids.StreamIds;
import io.wecomrelay.schemas.stream.StreamStateKeys;
import io.wecomrelay.schemas.text.Continuation;
import io.wecomrelay.schemas.text.MarkdownSplitter;
import io.wecomrelay.schemas.text.Replies;
import io.wecomrelay.sim.dify.SimImages;
import io.wecomrelay.sim.wecomws.LongConnectionSimulator;
import io.wecomrelay.sim.wecomws.LongConnectionSimulator.Injected;
import io.wecomrelay.sim.wecomws.ReceivedFrame;
import io.wecomrelay.sim.wecomws.SentMarkdown;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Issue 19 on the long connection: an answer longer than one stream. The finish frame shows its first part with the
 * continued note, then the rest goes out as {@code markdown} replies on the message's req_id, in order, then the
 * images; against the real broker, real Redis and the long-connection simulator (which refuses content over 20,480
 * bytes and a conversation's 31st message in a minute). The test plays the responder's part: the final stream hash
 * with the whole answer and the note, as {@code fold-chunk.lua} writes it (responder's {@code LongAnswerDeliveryTest}
 * checks that the fold writes it so).
 */
class LongConnectionContinuationTest {

    static final Duration WAIT = ConnectorHarness.WAIT;
    static final String BOT = "ws-long-1";
    static final String NOTE = "\n\n（续下条 / continued below）";
    static final int MAX = LongConnectionSimulator.MAX_CONTENT_BYTES;
    static final LongConnectionSimulator WECOM = LongConnectionSimulator.start();
    static ConnectorHarness harness;
    static ConfigurableApplicationContext instance;

    @BeforeAll
    static void start() {
        Path botsFile = ConnectorHarness.botsFile(WECOM, List.of(BOT), "");
        harness = new ConnectorHarness();
        instance = harness.instance(botsFile, WECOM, "--relay.connector.replies.continuation-interval=100ms");
        await().atMost(WAIT).until(() -> WECOM.subscribed(BOT));
    }

    @AfterAll
    static void stop() {
        harness.close();
        WECOM.close();
    }

    @Test
    void aSixtyKilobyteAnswerArrivesWholeAsTheFinishFrameAndMarkdownPartsInOrderThenItsImage() {
        // Given a 60 KB Chinese answer with code blocks and tables, and an image
        String answer = Replies.documented(60_000);
        Continuation split = Continuation.of(answer, MAX, NOTE);
        List<String> expected = MarkdownSplitter.split(split.rest(), MAX);
        double sentBefore = count("sent");
        Injected message = WECOM.sendText(BOT, "zhangsan", "写一份部署指南");
        String streamId = StreamIds.of(BOT, message.msgId());
        await().atMost(WAIT).until(() -> !WECOM.framesFor(message.reqId()).isEmpty());

        // When the responder finished it
        finish(streamId, answer, SimImages.png());

        // Then the finish frame shows the first part, the rest follows in markdown parts, then the image
        await().atMost(WAIT).until(() -> markdownOf(message).size() == expected.size()
                && WECOM.sentImages(BOT).stream().anyMatch(image -> image.reqId().equals(message.reqId())));
        List<ReceivedFrame> frames = WECOM.framesFor(message.reqId());
        ReceivedFrame finish = frames.stream().filter(ReceivedFrame::finished).findFirst().orElseThrow();
        assertThat(finish.streamContent()).isEqualTo(split.shown()).endsWith(NOTE);
        assertThat(markdownOf(message)).containsExactlyElementsOf(expected).hasSizeGreaterThanOrEqualTo(2);
        var after = new ArrayList<String>(expected.stream().map(part -> "markdown").toList());
        after.add("image");
        assertThat(frames.subList(frames.indexOf(finish) + 1, frames.size()))
                .extracting(frame -> frame.body().path("msgtype").asString(""))
                .containsExactlyElementsOf(after);
        assertThat(frames).allMatch(frame -> frame.errcode() == 0);
        for (String part : concat(finish.streamContent(), markdownOf(message))) {
            assertWithin(part);
            assertThat(fences(part) % 2).as("fences balanced in a part").isZero();
        }
        // every line of the answer arrives, in order (fences, blank lines and repeated table headers aside)
        String shownText = finish.streamContent().substring(0, finish.streamContent().length() - NOTE.length());
        assertThat(contentLines(String.join("\n", concat(shownText, markdownOf(message)))))
                .containsExactlyElementsOf(contentLines(answer));
        assertThat(count("sent") - sentBefore).isEqualTo(expected.size());
        assertThat(WECOM.violations()).isEmpty();
    }

    @Test
    void aMessageWeComDeliveredTwiceGetsTheRestOnceThoughBothReqIdsAreFinished() throws Exception {
        String answer = Replies.documented(45_000);
        List<String> expected = MarkdownSplitter.split(Continuation.of(answer, MAX, NOTE).rest(), MAX);
        Injected first = WECOM.sendText(BOT, "wangwu", "再写一份");
        await().atMost(WAIT).until(() -> !WECOM.framesFor(first.reqId()).isEmpty());
        Injected second = ConnectorHarness.deliverAgain(WECOM, BOT, first, "wangwu", "再写一份");
        await().atMost(WAIT).until(() -> !WECOM.framesFor(second.reqId()).isEmpty());
        String streamId = StreamIds.of(BOT, first.msgId());

        finish(streamId, answer);
        await().atMost(WAIT).until(() -> finished(first) && finished(second)
                && markdownOf(first).size() + markdownOf(second).size() == expected.size());
        harness.fold(BOT, streamId, Continuation.of(answer, MAX, NOTE).shown(), true); // a notice once more
        Thread.sleep(2_000);

        // all parts on one of the req_ids, in order, once
        List<String> sent = concat(markdownOf(first), markdownOf(second));
        assertThat(sent).containsExactlyElementsOf(expected);
        assertThat(markdownOf(first).isEmpty() || markdownOf(second).isEmpty()).isTrue();
    }

    /** The responder's final fold of a long answer: first part and note, the whole answer, the note; and images. */
    private static void finish(String streamId, String answer, byte[]... images) {
        if (images.length > 0) {
            harness.attachImages(streamId, images);
        }
        harness.redis.hset(StreamStateKeys.key(streamId), Map.of(StreamStateKeys.FULL, answer,
                StreamStateKeys.CONTINUED_NOTE, NOTE));
        harness.fold(BOT, streamId, Continuation.of(answer, MAX, NOTE).shown(), true);
    }

    private static List<String> markdownOf(Injected message) {
        return WECOM.sentMarkdown(BOT).stream().filter(markdown -> markdown.reqId().equals(message.reqId()))
                .map(SentMarkdown::content).toList();
    }

    private static boolean finished(Injected message) {
        return ConnectorHarness.streamFrames(WECOM, message.reqId()).stream().anyMatch(ReceivedFrame::finished);
    }

    private static List<String> concat(String first, List<String> rest) {
        var all = new ArrayList<String>();
        all.add(first);
        all.addAll(rest);
        return all;
    }

    private static List<String> concat(List<String> first, List<String> second) {
        var all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }

    /** The lines that carry the answer: no fence, no blank line, no table header or separator (parts repeat those). */
    private static List<String> contentLines(String text) {
        return Arrays.stream(text.split("\n")).filter(line -> !line.isBlank() && !line.startsWith("```")
                && !line.equals("| 参数 | 默认值 | 说明 |") && !line.equals("|---|:---:|---|")).toList();
    }

    private static long fences(String part) {
        return Arrays.stream(part.split("\n")).filter(line -> line.startsWith("```")).count();
    }

    private static void assertWithin(String part) {
        assertThat(part.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(MAX);
        // a lone surrogate (half a character) has no UTF-8 form: getBytes would quietly make it '?'
        assertThat(part.codePoints().filter(cp -> cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE).count())
                .as("valid UTF-8: no half character").isZero();
    }

    private static double count(String outcome) {
        var counter = instance.getBean(MeterRegistry.class).find("relay.connector.continuations")
                .tags("bot", BOT, "outcome", outcome).counter();
        return counter == null ? 0 : counter.count();
    }
}
