package io.wecomrelay.responder.outbox;

import static io.wecomrelay.responder.outbox.OutboxHarness.KEY_A;
import static io.wecomrelay.responder.outbox.OutboxHarness.WAIT;
import static io.wecomrelay.responder.outbox.OutboxHarness.deliveries;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Base64;
import java.util.List;

import io.wecomrelay.responder.TestChunks;
import io.wecomrelay.schemas.event.DeliveryOutcome;
import io.wecomrelay.schemas.event.DeliveryRecorded;
import io.wecomrelay.schemas.event.ReplyImage;
import io.wecomrelay.schemas.stream.StreamStateKeys;
import io.wecomrelay.schemas.wecom.reply.ImageFormat;
import io.wecomrelay.schemas.wecom.reply.StreamImage;
import io.wecomrelay.sim.dify.SimImages;
import io.wecomrelay.sim.wecomapi.WeComApiSimulator.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A webhook bot's reply with the images the worker attached: the text, then one {@code image} message per image,
 * through the outbox, real Redis, the real broker and the WeCom send-API simulator (which checks base64, MD5, size
 * and format as WeCom does).
 */
class WebhookImagesTest {

    @RegisterExtension
    static final OutboxHarness harness = new OutboxHarness(20, Duration.ofSeconds(1));

    final OutboxHarness.Scope scope = harness.scope();

    @Test
    void theTextGoesFirstThenEachImageAndAnImageWhoseBytesExpiredIsLeftOut() {
        var stream = TestChunks.stream("bot-a");
        var jpg = StreamImage.of(SimImages.jpg());
        int before = harness.wecom.messagesTo(KEY_A).size();
        var last = OutboxHarness.withImages(stream.last(1, 0, "images of " + stream.streamId()),
                stored(stream, 0, SimImages.png(), ImageFormat.PNG), stored(stream, 1, SimImages.jpg(), ImageFormat.JPG),
                new ReplyImage(StreamStateKeys.imageKey(stream.streamId(), 1, 2), jpg.md5(), 10, ImageFormat.JPG));

        scope.queue(last);
        try (var instance = scope.instance("one")) {
            await().atMost(WAIT).until(() -> scope.drained("bot-a"));

            List<Message> sent = harness.wecom.messagesTo(KEY_A).subList(before, harness.wecom.messagesTo(KEY_A).size());
            assertThat(sent).extracting(Message::msgtype).containsExactly("markdown", "image", "image");
            assertThat(sent.get(0).content()).isEqualTo("images of " + stream.streamId());
            assertThat(Base64.getDecoder().decode(sent.get(1).content())).isEqualTo(SimImages.png());
            assertThat(Base64.getDecoder().decode(sent.get(2).content())).isEqualTo(SimImages.jpg());
            assertThat(deliveries(stream.streamId())).extracting(DeliveryRecorded::part, DeliveryRecorded::parts,
                    DeliveryRecorded::outcome).containsExactly(tuple(1, 4, DeliveryOutcome.DELIVERED),
                    tuple(2, 4, DeliveryOutcome.DELIVERED), tuple(3, 4, DeliveryOutcome.DELIVERED));
            assertThat(instance.meters().counter("relay.responder.images", "bot", "bot-a", "outcome", "sent").count())
                    .isEqualTo(2);
            assertThat(instance.meters().counter("relay.responder.images", "bot", "bot-a", "outcome", "missing").count())
                    .isEqualTo(1);
        }
    }

    @Test
    void aReplyThatIsOnlyAnImageIsDeliveredAndAnotherStreamsKeyIsNeverRead() {
        var stream = TestChunks.stream("bot-a");
        var foreign = TestChunks.stream("bot-b");
        int before = harness.wecom.messagesTo(KEY_A).size();
        var foreignImage = stored(foreign, 0, SimImages.jpg(), ImageFormat.JPG);
        var last = OutboxHarness.withImages(stream.last(1, 0, ""), stored(stream, 0, SimImages.png(), ImageFormat.PNG),
                new ReplyImage(foreignImage.key(), foreignImage.md5(), foreignImage.bytes(), ImageFormat.JPG));

        scope.queue(last);
        try (var instance = scope.instance("one")) {
            await().atMost(WAIT).until(() -> scope.drained("bot-a"));

            List<Message> sent = harness.wecom.messagesTo(KEY_A).subList(before, harness.wecom.messagesTo(KEY_A).size());
            assertThat(sent).singleElement().satisfies(message -> {
                assertThat(message.msgtype()).isEqualTo("image");
                assertThat(Base64.getDecoder().decode(message.content())).isEqualTo(SimImages.png());
            });
            assertThat(deliveries(stream.streamId())).extracting(DeliveryRecorded::outcome)
                    .containsExactly(DeliveryOutcome.DELIVERED);
            assertThat(instance.meters().counter("relay.responder.images", "bot", "bot-a", "outcome", "missing").count())
                    .isEqualTo(1);
        }
    }

    private static ReplyImage stored(TestChunks stream, int index, byte[] bytes, ImageFormat format) {
        return harness.storedImage(stream, index, bytes, format);
    }
}
