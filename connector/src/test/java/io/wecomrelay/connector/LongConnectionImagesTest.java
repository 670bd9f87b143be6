package io.wecomrelay.connector;

import static io.wecomrelay.connector.AfterFinishFixture.IMAGES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

import io.wecomrelay.schemas.wecom.reply.StreamImage;
import io.wecomrelay.sim.dify.SimImages;
import io.wecomrelay.sim.wecomws.LongConnectionSimulator.Injected;
import io.wecomrelay.sim.wecomws.ReceivedFrame;
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
    static AfterFinishFixture fixture;
    static ConfigurableApplicationContext instance;

    @BeforeAll
    static void start() {
        fixture = new AfterFinishFixture("ws-img-1");
        instance = fixture.subscribedInstance();
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    @Test
    void afterTheFinishFrameEachImageIsUploadedAndSentOnTheMessagesReqIdInOrder() {
        // a PNG, and a JPG large enough for three chunks of 512 KB
        byte[] big = Arrays.copyOf(SimImages.jpg(), 1_200_000);
        Injected message = fixture.message("zhangsan", "画两张图");

        fixture.finish(message, "两张图如下", SimImages.png(), big);

        await().atMost(WAIT).until(() -> fixture.imagesOf(message).size() == 2);
        assertThat(fixture.imagesOf(message)).extracting(image -> StreamImage.of(image.media().bytes()).md5())
                .containsExactly(StreamImage.of(SimImages.png()).md5(), StreamImage.of(big).md5());
        List<ReceivedFrame> frames = fixture.wecom.frames();
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
        assertThat(fixture.wecom.violations()).isEmpty();
        assertThat(fixture.count(instance, IMAGES, "sent")).isGreaterThanOrEqualTo(2);
    }

    @Test
    void anImageWeComRefusesIsLeftOutCountedAndTheTextAndTheOtherImagesStay() {
        // over the long connection's 2 MB for images: WeCom refuses the upload's init
        byte[] tooLarge = Arrays.copyOf(SimImages.jpg(), 2 * 1024 * 1024 + 1);
        double failedBefore = fixture.count(instance, IMAGES, "upload_failed");
        Injected message = fixture.message("lisi", "画图");

        fixture.finish(message, "答案在此", tooLarge, SimImages.png());

        await().atMost(WAIT).until(() -> fixture.imagesOf(message).size() == 1
                && fixture.count(instance, IMAGES, "upload_failed") > failedBefore);
        assertThat(fixture.imagesOf(message).get(0).media().bytes()).isEqualTo(SimImages.png());
        assertThat(ConnectorHarness.streamFrames(fixture.wecom, message.reqId())).filteredOn(ReceivedFrame::finished)
                .singleElement().satisfies(frame -> assertThat(frame.streamContent()).isEqualTo("答案在此"));
        assertThat(fixture.count(instance, IMAGES, "upload_failed") - failedBefore).isEqualTo(1);
    }

    @Test
    void aMessageWeComDeliveredTwiceGetsItsImagesOnceThoughBothReqIdsAreFinished() throws Exception {
        Injected first = fixture.message("wangwu", "一张图");
        Injected second = fixture.deliverAgain(first, "wangwu", "一张图");

        fixture.finish(first, "一张", SimImages.jpg());
        await().atMost(WAIT).until(() -> fixture.finished(first) && fixture.finished(second));
        fixture.harness.fold(fixture.bot, fixture.streamId(first), "一张", true); // one more notice, as a redelivered chunk would cause
        Thread.sleep(2_000);

        assertThat(fixture.imagesOf(first).size() + fixture.imagesOf(second).size()).isEqualTo(1);
    }

    private static int indexOf(List<ReceivedFrame> frames, Predicate<ReceivedFrame> test) {
        for (int i = 0; i < frames.size(); i++) {
            if (test.test(frames.get(i))) {
                return i;
            }
        }
        return -1;
    }
}
