package io.wecomrelay.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import io.wecomrelay.schemas.ids.StreamIds;
import io.wecomrelay.schemas.wecom.reply.StreamImage;
import io.wecomrelay.sim.dify.SimImages;
import io.wecomrelay.sim.wecomws.LongConnectionSimulator;
import io.wecomrelay.sim.wecomws.LongConnectionSimulator.Injected;
import io.wecomrelay.sim.wecomws.ReceivedFrame;
import io.wecomrelay.sim.wecomws.SentImage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A long-connection answer with the images the worker attached: after the stream's finish frame, each image is
 * uploaded on the socket (init, chunks, finish) and sent as an {@code image} reply on the message's req_id, against
 * the real broker, real Redis and the long-connection simulator (which checks chunk sizes, the MD5 and the type's
 * limit). The test plays the worker's and the responder's part: the images' base64 in Redis and the final stream hash.
 */
class LongConnectionImagesTest {

    static final Duration WAIT = ConnectorHarness.WAIT;
    static final String BOT = "ws-img-1";
    static final LongConnectionSimulator WECOM = LongConnectionSimulator.start();
    static ConnectorHarness harness;
    static ConfigurableApplicationContext instance;

    @BeforeAll
    static void start() {
        Path botsFile = ConnectorHarness.botsFile(WECOM, List.of(BOT), "");
        harness = new ConnectorHarness();
        instance = harness.instance(botsFile, WECOM);
        await().atMost(WAIT).until(() -> WECOM.subscribed(BOT));
    }

    @AfterAll
    static void stop() {
        harness.close();
        WECOM.close();
    }

    @Test
    void afterTheFinishFrameEachImageIsUploadedAndSentOnTheMessagesReqIdInOrder() {
        // a PNG, and a JPG large enough for three chunks of 512 KB
        byte[] big = Arrays.copyOf(SimImages.jpg(), 1_200_000);
        Injected message = WECOM.sendText(BOT, "zhangsan", "画两张图");
        String streamId = StreamIds.of(BOT, message.msgId());
        await().atMost(WAIT).until(() -> !WECOM.framesFor(message.reqId()).isEmpty());

        finish(streamId, "两张图如下", SimImages.png(), big);

        await().atMost(WAIT).until(() -> imagesOf(message).size() == 2);
        assertThat(imagesOf(message)).extracting(image -> StreamImage.of(image.media().bytes()).md5())
                .containsExactly(StreamImage.of(SimImages.png()).md5(), StreamImage.of(big).md5());
        List<ReceivedFrame> frames = WECOM.frames();
        int finish = indexOf(frames, frame -> frame.reqId().equals(message.reqId()) && frame.finished());
        int lastImage = frames.size() - 1;
        while (!frames.get(lastImage).reqId().equals(message.reqId())) {
            lastImage--;
        }
        assertThat(frames.get(finish).streamContent()).isEqualTo("两张图如下");
        // between the finish and the last image: the two uploads (1 + 3 chunks) and the first image (and pings)
        assertThat(frames.subList(finish + 1, lastImage + 1)).extracting(ReceivedFrame::cmd)
                .filteredOn(cmd -> !cmd.equals("ping")).containsExactly(
                "aibot_upload_media_init", "aibot_upload_media_chunk", "aibot_upload_media_finish", "aibot_respond_msg",
                "aibot_upload_media_init", "aibot_upload_media_chunk", "aibot_upload_media_chunk",
                "aibot_upload_media_chunk", "aibot_upload_media_finish", "aibot_respond_msg");
        assertThat(frames.subList(finish + 1, lastImage + 1)).allMatch(frame -> frame.errcode() == 0);
        assertThat(WECOM.violations()).isEmpty();
        assertThat(count("sent")).isGreaterThanOrEqualTo(2);
    }

    @Test
    void anImageWeComRefusesIsLeftOutCountedAndTheTextAndTheOtherImagesStay() {
        // over the long connection's 2 MB for images: WeCom refuses the upload's init
        byte[] tooLarge = Arrays.copyOf(SimImages.jpg(), 2 * 1024 * 1024 + 1);
        double failedBefore = count("upload_failed");
        Injected message = WECOM.sendText(BOT, "lisi", "画图");
        String streamId = StreamIds.of(BOT, message.msgId());
        await().atMost(WAIT).until(() -> !WECOM.framesFor(message.reqId()).isEmpty());

        finish(streamId, "答案在此", tooLarge, SimImages.png());

        await().atMost(WAIT).until(() -> imagesOf(message).size() == 1 && count("upload_failed") > failedBefore);
        assertThat(imagesOf(message).get(0).media().bytes()).isEqualTo(SimImages.png());
        assertThat(ConnectorHarness.streamFrames(WECOM, message.reqId())).filteredOn(ReceivedFrame::finished)
                .singleElement().satisfies(frame -> assertThat(frame.streamContent()).isEqualTo("答案在此"));
        assertThat(count("upload_failed") - failedBefore).isEqualTo(1);
    }

    @Test
    void aMessageWeComDeliveredTwiceGetsItsImagesOnceThoughBothReqIdsAreFinished() throws Exception {
        Injected first = WECOM.sendText(BOT, "wangwu", "一张图");
        await().atMost(WAIT).until(() -> !WECOM.framesFor(first.reqId()).isEmpty());
        Injected second = ConnectorHarness.deliverAgain(WECOM, BOT, first, "wangwu", "一张图");
        await().atMost(WAIT).until(() -> !WECOM.framesFor(second.reqId()).isEmpty());
        String streamId = StreamIds.of(BOT, first.msgId());

        finish(streamId, "一张", SimImages.jpg());
        await().atMost(WAIT).until(() -> finished(first) && finished(second));
        harness.fold(BOT, streamId, "一张", true); // one more notice, as a redelivered chunk would cause
        Thread.sleep(2_000);

        assertThat(imagesOf(first).size() + imagesOf(second).size()).isEqualTo(1);
    }

    /** The worker's images in Redis, then the responder's final fold naming them. */
    private static void finish(String streamId, String text, byte[]... images) {
        harness.attachImages(streamId, images);
        harness.fold(BOT, streamId, text, true);
    }

    private static List<SentImage> imagesOf(Injected message) {
        return WECOM.sentImages(BOT).stream().filter(image -> image.reqId().equals(message.reqId())).toList();
    }

    private static boolean finished(Injected message) {
        return ConnectorHarness.streamFrames(WECOM, message.reqId()).stream().anyMatch(ReceivedFrame::finished);
    }

    private static double count(String outcome) {
        var counter = instance.getBean(MeterRegistry.class).find("relay.connector.images").tags("bot", BOT, "outcome", outcome)
                .counter();
        return counter == null ? 0 : counter.count();
    }

    private static int indexOf(List<ReceivedFrame> frames, java.util.function.Predicate<ReceivedFrame> test) {
        for (int i = 0; i < frames.size(); i++) {
            if (test.test(frames.get(i))) {
                return i;
            }
        }
        return -1;
    }
}
