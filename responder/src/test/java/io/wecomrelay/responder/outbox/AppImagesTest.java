package io.wecomrelay.responder.outbox;

import static io.wecomrelay.responder.outbox.OutboxHarness.APP_AGENT;
import static io.wecomrelay.responder.outbox.OutboxHarness.WAIT;
import static io.wecomrelay.responder.outbox.OutboxHarness.deliveries;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import io.wecomrelay.responder.TestChunks;
import io.wecomrelay.schemas.event.ChatType;
import io.wecomrelay.schemas.event.DeliveryChannel;
import io.wecomrelay.schemas.event.DeliveryOutcome;
import io.wecomrelay.schemas.event.DeliveryRecorded;
import io.wecomrelay.schemas.event.ReplyImage;
import io.wecomrelay.schemas.event.ReplyRoute;
import io.wecomrelay.schemas.topic.Topics;
import io.wecomrelay.schemas.wecom.reply.ImageFormat;
import io.wecomrelay.schemas.wecom.reply.StreamImage;
import io.wecomrelay.sim.dify.SimImages;
import io.wecomrelay.sim.wecomapi.AppApis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A self-built app's reply with the images the worker attached: the text, then per image a {@code media/upload} and
 * an {@code image} message, through the outbox, real Redis, the real broker and the WeCom API simulator (which checks
 * the upload's size and format and that an image message names an uploaded image).
 */
class AppImagesTest {

    @RegisterExtension
    static final OutboxHarness harness = new OutboxHarness(20, Duration.ofSeconds(1));

    final OutboxHarness.Scope scope = harness.scope();

    @Test
    void theTextGoesFirstThenEachImageIsUploadedAndSentOnceInOrder() {
        var stream = toUser("zhangsan-" + UUID.randomUUID());
        var last = OutboxHarness.withImages(stream.last(1, 0, "图表如下 " + stream.streamId()),
                stored(stream, 0, SimImages.png(), ImageFormat.PNG), stored(stream, 1, SimImages.jpg(), ImageFormat.JPG));

        scope.queue(last);
        try (var instance = scope.instance("one")) {
            await().atMost(WAIT).until(() -> scope.drained("bot-app"));

            List<AppApis.AppMessage> sent = messages(stream);
            assertThat(sent).extracting(AppApis.AppMessage::msgtype).containsExactly("text", "image", "image");
            assertThat(sent.get(0).content()).isEqualTo("图表如下 " + stream.streamId());
            assertThat(md5OfMedia(sent.get(1))).isEqualTo(StreamImage.of(SimImages.png()).md5());
            assertThat(md5OfMedia(sent.get(2))).isEqualTo(StreamImage.of(SimImages.jpg()).md5());
            assertThat(harness.wecom.apps().media(sent.get(1).content()).contentType()).isEqualTo("image/png");
            assertThat(deliveries(stream.streamId())).extracting(DeliveryRecorded::channel, DeliveryRecorded::part,
                    DeliveryRecorded::outcome).containsExactly(tuple(DeliveryChannel.APP_MESSAGE, 1, DeliveryOutcome.DELIVERED),
                    tuple(DeliveryChannel.APP_MESSAGE, 2, DeliveryOutcome.DELIVERED),
                    tuple(DeliveryChannel.APP_MESSAGE, 3, DeliveryOutcome.DELIVERED));
            assertThat(instance.meters().counter("relay.responder.images", "bot", "bot-app", "outcome", "sent").count())
                    .isEqualTo(2);
        }
    }

    @Test
    void aRefusedUploadLeavesItsImageOutCountedAndTheTextAndTheOtherImagesGoAsAnAnswerDelivered() {
        var stream = toUser("lisi-" + UUID.randomUUID());
        // WeCom refuses files of 5 bytes or less (40006), like one over 10 MB; the first upload meets a 45009 first
        var last = OutboxHarness.withImages(stream.last(1, 0, "答案 " + stream.streamId()),
                stored(stream, 0, SimImages.png(), ImageFormat.PNG), stored(stream, 1, new byte[] {(byte) 0xff, (byte) 0xd8,
                        (byte) 0xff, 0, 0}, ImageFormat.JPG));
        int uploadsBefore = harness.wecom.apps().uploads().size();
        harness.wecom.apps().failNextUploads(1, 45009);

        scope.queue(last);
        try (var instance = scope.instance("one")) {
            await().atMost(WAIT).until(() -> scope.drained("bot-app"));

            assertThat(messages(stream)).extracting(AppApis.AppMessage::msgtype).containsExactly("text", "image");
            assertThat(md5OfMedia(messages(stream).get(1))).isEqualTo(StreamImage.of(SimImages.png()).md5());
            assertThat(harness.wecom.apps().uploads().subList(uploadsBefore, harness.wecom.apps().uploads().size()))
                    .extracting(AppApis.Upload::errcode).containsExactly(45009, 0, 40006);
            assertThat(deliveries(stream.streamId())).extracting(DeliveryRecorded::part, DeliveryRecorded::parts,
                    DeliveryRecorded::outcome).containsExactly(tuple(1, 3, DeliveryOutcome.DELIVERED),
                    tuple(2, 3, DeliveryOutcome.DELIVERED));
            assertThat(OutboxHarness.deadLetters(Topics.CHUNKS, stream.streamId())).isEmpty();
            assertThat(instance.meters().counter("relay.responder.images", "bot", "bot-app", "outcome", "upload_failed")
                    .count()).isEqualTo(1);
        }
    }

    @Test
    void anImageAnEarlierRunGotThroughIsNeitherUploadedNorSentAgainWhenAnotherInstanceTakesTheJobOver() {
        // Given a reply whose text and first image the dead instance got through (and marked) before dying
        var stream = toUser("wangwu-" + UUID.randomUUID());
        scope.queue(OutboxHarness.withImages(stream.last(1, 0, "两张图 " + stream.streamId()),
                stored(stream, 0, SimImages.png(), ImageFormat.PNG), stored(stream, 1, SimImages.jpg(), ImageFormat.JPG)));
        scope.diedAfterReading("bot-app", "dead-instance");
        harness.template.opsForHash().put(scope.keys.state(stream.streamId()), "part:1", "recorded");
        harness.template.opsForHash().put(scope.keys.state(stream.streamId()), "part:2", "sent");
        int uploadsBefore = harness.wecom.apps().uploads().size();

        // When another instance takes the job over, and the last chunk comes again (a redelivery)
        try (var alive = scope.instance("alive")) {
            await().atMost(WAIT).until(() -> scope.drained("bot-app"));
            scope.queue(OutboxHarness.withImages(stream.last(1, 0, "两张图 " + stream.streamId()),
                    stored(stream, 0, SimImages.png(), ImageFormat.PNG), stored(stream, 1, SimImages.jpg(), ImageFormat.JPG)));
            await().during(Duration.ofSeconds(2)).atMost(WAIT).until(() -> scope.drained("bot-app"));
        }

        // Then only the second image was uploaded and sent, once
        assertThat(messages(stream)).singleElement().satisfies(message -> {
            assertThat(message.msgtype()).isEqualTo("image");
            assertThat(md5OfMedia(message)).isEqualTo(StreamImage.of(SimImages.jpg()).md5());
        });
        assertThat(harness.wecom.apps().uploads()).hasSize(uploadsBefore + 1);
        assertThat(deliveries(stream.streamId())).extracting(DeliveryRecorded::part, DeliveryRecorded::detail)
                .containsExactly(tuple(2, "ok (recorded after a restart)"), tuple(3, "ok"));
    }

    private static TestChunks toUser(String user) {
        return new TestChunks("bot-app", "s-" + UUID.randomUUID(), new ReplyRoute(ChatType.SINGLE, null, user, null));
    }

    private static List<AppApis.AppMessage> messages(TestChunks stream) {
        return harness.wecom.apps().messagesTo(APP_AGENT, stream.route().userId());
    }

    private static String md5OfMedia(AppApis.AppMessage image) {
        return StreamImage.of(harness.wecom.apps().media(image.content()).bytes()).md5();
    }

    private static ReplyImage stored(TestChunks stream, int index, byte[] bytes, ImageFormat format) {
        return harness.storedImage(stream, index, bytes, format);
    }
}
