package io.wecomrelay.connector;

import static io.wecomrelay.connector.AfterFinishFixture.CONTINUATIONS;
import static io.wecomrelay.connector.AfterFinishFixture.MAX;
import static io.wecomrelay.connector.AfterFinishFixture.NOTE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.wecomrelay.schemas.text.Continuation;
import io.wecomrelay.schemas.text.Replies;
import io.wecomrelay.sim.dify.SimImages;
import io.wecomrelay.sim.wecomws.LongConnectionSimulator.Injected;
import io.wecomrelay.sim.wecomws.ReceivedFrame;
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
    static AfterFinishFixture fixture;
    static ConfigurableApplicationContext instance;

    @BeforeAll
    static void start() {
        fixture = new AfterFinishFixture("ws-long-1");
        instance = fixture.subscribedInstance("--relay.connector.replies.continuation-interval=100ms");
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    @Test
    void aSixtyKilobyteAnswerArrivesWholeAsTheFinishFrameAndMarkdownPartsInOrderThenItsImage() {
        // Given a 60 KB Chinese answer with code blocks and tables, and an image
        String answer = Replies.documented(60_000);
        Continuation split = Continuation.of(answer, MAX, NOTE);
        List<String> expected = AfterFinishFixture.restParts(answer);
        double sentBefore = fixture.count(instance, CONTINUATIONS, "sent");
        Injected message = fixture.message("zhangsan", "写一份部署指南");

        // When the responder finished it
        fixture.finishLong(message, answer, SimImages.png());

        // Then the finish frame shows the first part, the rest follows in markdown parts, then the image
        await().atMost(WAIT).until(() -> fixture.markdownOf(message).size() == expected.size()
                && fixture.imagesOf(message).size() == 1);
        List<ReceivedFrame> frames = fixture.wecom.framesFor(message.reqId());
        ReceivedFrame finish = frames.stream().filter(ReceivedFrame::finished).findFirst().orElseThrow();
        assertThat(finish.streamContent()).isEqualTo(split.shown()).endsWith(NOTE);
        assertThat(fixture.markdownOf(message)).containsExactlyElementsOf(expected).hasSizeGreaterThanOrEqualTo(2);
        var after = new ArrayList<String>(expected.stream().map(part -> "markdown").toList());
        after.add("image");
        assertThat(fixture.afterFinish(message)).containsExactlyElementsOf(after);
        assertThat(frames).allMatch(frame -> frame.errcode() == 0);
        for (String part : concat(List.of(finish.streamContent()), fixture.markdownOf(message))) {
            assertWithin(part);
            assertThat(fences(part) % 2).as("fences balanced in a part").isZero();
        }
        // every line of the answer arrives, in order (fences, blank lines and repeated table headers aside)
        String shownText = finish.streamContent().substring(0, finish.streamContent().length() - NOTE.length());
        assertThat(contentLines(String.join("\n", concat(List.of(shownText), fixture.markdownOf(message)))))
                .containsExactlyElementsOf(contentLines(answer));
        assertThat(fixture.count(instance, CONTINUATIONS, "sent") - sentBefore).isEqualTo(expected.size());
        assertThat(fixture.wecom.violations()).isEmpty();
    }

    @Test
    void aMessageWeComDeliveredTwiceGetsTheRestOnceThoughBothReqIdsAreFinished() throws Exception {
        String answer = Replies.documented(45_000);
        List<String> expected = AfterFinishFixture.restParts(answer);
        Injected first = fixture.message("wangwu", "再写一份");
        Injected second = fixture.deliverAgain(first, "wangwu", "再写一份");

        fixture.finishLong(first, answer);
        await().atMost(WAIT).until(() -> fixture.finished(first) && fixture.finished(second)
                && fixture.markdownOf(first).size() + fixture.markdownOf(second).size() == expected.size());
        // a notice once more
        fixture.harness.fold(fixture.bot, fixture.streamId(first), Continuation.of(answer, MAX, NOTE).shown(), true);
        Thread.sleep(2_000);

        // all parts on one of the req_ids, in order, once
        List<String> sent = concat(fixture.markdownOf(first), fixture.markdownOf(second));
        assertThat(sent).containsExactlyElementsOf(expected);
        assertThat(fixture.markdownOf(first).isEmpty() || fixture.markdownOf(second).isEmpty()).isTrue();
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
}
