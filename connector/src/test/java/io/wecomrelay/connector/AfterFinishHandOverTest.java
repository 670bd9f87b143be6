package io.wecomrelay.connector;

import static io.wecomrelay.connector.AfterFinishFixture.CONTINUATIONS;
import static io.wecomrelay.connector.AfterFinishFixture.IMAGES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import io.wecomrelay.connector.ownership.BotOwnership;
import io.wecomrelay.connector.socket.ConnectionState;
import io.wecomrelay.schemas.text.Replies;
import io.wecomrelay.schemas.wecom.reply.StreamImage;
import io.wecomrelay.sim.dify.SimImages;
import io.wecomrelay.sim.wecomws.LongConnectionSimulator.Injected;
import io.wecomrelay.sim.wecomws.ReceivedFrame;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The after-finish step survives its owner: two instances share the group, the one holding the bot stops after WeCom
 * acknowledged part k of a long answer's n parts, and the other, which takes the bot, sends parts k+1..n and then the
 * images, each once, in order, on the message's req_id. Real broker, real Redis, the long-connection simulator.
 */
class AfterFinishHandOverTest {

    static final Duration WAIT = ConnectorHarness.WAIT;
    /** Long enough to stop the owner between two parts. */
    static final String PACING = "--relay.connector.replies.continuation-interval=1500ms";
    static AfterFinishFixture fixture;
    static final List<ConfigurableApplicationContext> INSTANCES = new ArrayList<>();

    @BeforeAll
    static void start() {
        fixture = new AfterFinishFixture("ws-move-1");
        INSTANCES.add(fixture.subscribedInstance(PACING));
        INSTANCES.add(fixture.instance(PACING));
        // the second instance joined the group: the bot is held by one of them, for good
        await().atMost(WAIT).during(Duration.ofSeconds(3)).until(() -> holders().size() == 1
                && fixture.wecom.subscribed(fixture.bot));
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    @Test
    void whenTheOwnerStopsAfterPartKTheNextOwnerSendsTheOtherPartsAndTheImagesOnceInOrder() {
        // Given a 100 KB answer (five or more parts after the stream's) and two images
        String answer = Replies.documented(100_000);
        List<String> expected = AfterFinishFixture.restParts(answer);
        assertThat(expected).hasSizeGreaterThanOrEqualTo(4);
        byte[] png = SimImages.png();
        byte[] jpg = SimImages.jpg();
        ConfigurableApplicationContext owner = holders().get(0);
        ConfigurableApplicationContext next = INSTANCES.get(1 - INSTANCES.indexOf(owner));
        MeterRegistry ownerMeters = owner.getBean(MeterRegistry.class);
        int subscribes = fixture.wecom.subscribes(fixture.bot);
        Injected message = fixture.message("zhaoliu", "写一份很长的指南");

        // When the owner stops once WeCom acknowledged part k = 2
        fixture.finishLong(message, answer, png, jpg);
        await().atMost(WAIT).until(() -> fixture.count(ownerMeters, CONTINUATIONS, "sent") >= 2);
        fixture.harness.stop(owner);
        INSTANCES.remove(owner);

        // Then the other instance takes the bot and sends the remaining parts, then the images
        await().atMost(WAIT).until(() -> fixture.wecom.subscribes(fixture.bot) > subscribes
                && fixture.imagesOf(message).size() == 2 && fixture.markdownOf(message).size() >= expected.size());
        assertThat(fixture.markdownOf(message)).as("every part once, in order").containsExactlyElementsOf(expected);
        assertThat(fixture.imagesOf(message)).extracting(image -> StreamImage.of(image.media().bytes()).md5())
                .containsExactly(StreamImage.of(png).md5(), StreamImage.of(jpg).md5());
        var after = new ArrayList<String>(expected.stream().map(part -> "markdown").toList());
        after.addAll(List.of("image", "image"));
        assertThat(fixture.afterFinish(message)).containsExactlyElementsOf(after);
        assertThat(ConnectorHarness.streamFrames(fixture.wecom, message.reqId())).allMatch(frame -> frame.errcode() == 0);

        // the old owner sent the first parts, the new one the rest and the images: a hand-over, not a repeat (the
        // counters move when the connector reads WeCom's ack, after the simulator recorded the frame: awaited)
        await().atMost(WAIT).untilAsserted(() -> {
            double sentBefore = fixture.count(ownerMeters, CONTINUATIONS, "sent");
            double sentAfter = fixture.count(next, CONTINUATIONS, "sent");
            assertThat(sentBefore).isBetween(2.0, expected.size() - 1.0);
            assertThat(sentBefore + sentAfter).isEqualTo(expected.size());
            assertThat(fixture.count(ownerMeters, IMAGES, "sent")).isZero();
            assertThat(fixture.count(next, IMAGES, "sent")).isEqualTo(2);
        });
        assertThat(fixture.wecom.kicks(fixture.bot)).isZero();
        assertThat(fixture.wecom.violations()).isEmpty();
        List<ReceivedFrame> finishes = ConnectorHarness.streamFrames(fixture.wecom, message.reqId()).stream()
                .filter(ReceivedFrame::finished).toList();
        assertThat(finishes).hasSize(1);
    }

    /** The instances holding the bot's socket now. */
    static List<ConfigurableApplicationContext> holders() {
        return INSTANCES.stream().filter(instance -> instance.getBean(BotOwnership.class).states()
                .get(fixture.bot) == ConnectionState.SUBSCRIBED).toList();
    }
}
