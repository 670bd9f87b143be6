package io.wecomrelay.llm.images;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;

import io.wecomrelay.llm.TestWheel;
import io.wecomrelay.llm.media.MediaBudget;
import io.wecomrelay.schemas.bot.BotConfig;
import io.wecomrelay.schemas.bot.BotRegistry;
import io.wecomrelay.schemas.bot.BotRegistryLoader;
import io.wecomrelay.schemas.event.ChunkKind;
import io.wecomrelay.schemas.event.MessageAccepted;
import io.wecomrelay.schemas.event.ReplyChunk;
import io.wecomrelay.schemas.event.ReplyImage;
import io.wecomrelay.schemas.testing.Events;
import io.wecomrelay.schemas.wecom.reply.ImageFormat;
import io.wecomrelay.schemas.wecom.reply.StreamImage;
import io.wecomrelay.sim.dify.DifySimulator;
import io.wecomrelay.sim.dify.DifySimulatorConfig;
import io.wecomrelay.sim.dify.SimImages;
import io.wecomrelay.testkit.TestInfrastructure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.netty.http.client.HttpClient;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/**
 * The image phase of one answer against the Dify simulator's files over real HTTP and a real Redis: what is
 * attached, linked or named, per reply route.
 */
class AnswerImagesTest {

    private static final String NOTE = "[image unavailable: {name}]";
    private static DifySimulator dify;
    private static LettuceConnectionFactory factory;
    private static ReactiveStringRedisTemplate redis;
    private static BotRegistry bots;

    private final ConcurrentLinkedQueue<String> outcomes = new ConcurrentLinkedQueue<>();

    @BeforeAll
    static void start() {
        dify = DifySimulator.start(DifySimulatorConfig.defaults().withPort(0));
        factory = new LettuceConnectionFactory(LettuceConnectionFactory.createRedisConfiguration(TestInfrastructure.redisUrl()));
        factory.afterPropertiesSet();
        factory.start();
        redis = new ReactiveStringRedisTemplate(factory);
        String dify = "    dify: { base-url: " + AnswerImagesTest.dify.baseUrl() + ", api-key: k, allow-insecure-http: true }\n";
        String keys = "    token: t\n    aes-key: abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG\n";
        bots = new BotRegistryLoader(name -> null).parse("bots:\n"
                + "  - id: streaming\n" + keys + dify
                + "  - id: hook\n" + keys + dify + "    reply-mode: webhook\n    webhook-key: wk\n"
                + "  - id: url\n" + keys + dify + "    reply-mode: response_url\n"
                + "  - id: socket\n    connection: long-connection\n    secret: s\n" + dify
                + "  - id: app\n    kind: app\n    corp-id: ww1\n    agent-id: 1000002\n    secret: s\n" + keys + dify);
    }

    @AfterAll
    static void stop() {
        factory.destroy();
        dify.close();
    }

    @Test
    void aStreamingReplyAttachesThePngAndJpgAndNamesWhatCannotBeShown() {
        var images = images(settings(10, 10_000_000, 10_000_000));
        var message = Events.accepted("streaming", "m-" + UUID.randomUUID(), Events.T0);

        var chunks = images.attach(Flux.just(
                chunk(message, 0, ChunkKind.APPEND, "Look: ![chart](/files/images/chart.png)\n", false),
                chunk(message, 1, ChunkKind.APPEND, "![image](/files/tools/abc.jpg) ![notes](/files/images/notes.png)"
                        + " ![gone](/files/images/gone.png) ![big](/files/images/big.png)", true)),
                bot("streaming"), message).collectList().block();

        ReplyChunk last = chunks.get(1);
        assertThat(chunks.get(0).text()).as("earlier chunks pass unchanged").startsWith("Look: ![chart]");
        assertThat(last.kind()).isEqualTo(ChunkKind.REPLACE);
        assertThat(last.text()).isEqualTo("Look: \n [image unavailable: notes] [image unavailable: gone] [image unavailable: big]");
        assertThat(last.attachedImages()).extracting(ReplyImage::format).containsExactly(ImageFormat.PNG, ImageFormat.JPG);
        assertStored(last.attachedImages().get(0), SimImages.png());
        assertStored(last.attachedImages().get(1), SimImages.jpg());
        assertThat(redis.getExpire(last.attachedImages().get(0).key()).block()).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(6));
        assertThat(outcomes).containsExactly("attached", "attached", "not_jpg_png", "unavailable", "too_large");
    }

    @Test
    void moreThanTheMaximumOrTheAnswersTotalAreNamed() {
        int png = SimImages.png().length;
        var images = images(settings(3, 10_000_000, 2L * png));
        var message = Events.accepted("streaming", "m-" + UUID.randomUUID(), Events.T0);
        var text = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            text.append("![](/files/images/chart.png?copy=").append(i).append(")");
        }

        ReplyChunk last = images.attach(Flux.just(chunk(message, 0, ChunkKind.APPEND, text.toString(), true)),
                bot("streaming"), message).blockLast();

        assertThat(last.attachedImages()).hasSize(2);
        assertThat(last.text()).isEqualTo("[image unavailable: chart.png]".repeat(3));
        assertThat(outcomes).containsExactly("attached", "attached", "too_large", "too_many", "too_many");
    }

    @Test
    void aWebhookReplyTakesImagesUpToTheWebhookLimit() {
        byte[] smaller = SimImages.png().length <= SimImages.jpg().length ? SimImages.png() : SimImages.jpg();
        var images = images(settings(10, smaller.length, 10_000_000));
        var message = Events.accepted("hook", "m-" + UUID.randomUUID(), Events.T0);

        ReplyChunk last = images.attach(Flux.just(chunk(message, 0, ChunkKind.APPEND,
                "![](/files/images/chart.png) ![](/files/tools/x.jpg)", true)), bot("hook"), message).blockLast();

        assertThat(last.attachedImages()).singleElement().satisfies(image -> assertStored(image, smaller));
        assertThat(redis.getExpire(last.attachedImages().get(0).key()).block()).isGreaterThan(Duration.ofMinutes(30));
        assertThat(outcomes).containsExactlyInAnyOrder("attached", "too_large");
    }

    @Test
    void aLongConnectionReplyAttachesImagesUpToTheUploadLimitAndAnAppReplyUpToTenMegabytes() {
        byte[] smaller = SimImages.png().length <= SimImages.jpg().length ? SimImages.png() : SimImages.jpg();
        var images = images(settings(10, smaller.length, 10_000_000));
        var accepted = Events.accepted("socket", "m-" + UUID.randomUUID(), Events.T0);
        var overSocket = new MessageAccepted(accepted.meta(), accepted.botId(), accepted.streamId(),
                accepted.conversationKey(), accepted.message().overLongConnection("req-1"), accepted.receivedAt(),
                accepted.decision());
        var toApp = Events.accepted("app", "m-" + UUID.randomUUID(), Events.T0);
        String text = "![](/files/images/chart.png) ![](/files/tools/x.jpg)";

        ReplyChunk socket = images.attach(Flux.just(chunk(overSocket, 0, ChunkKind.APPEND, text, true)), bot("socket"),
                overSocket).blockLast();
        ReplyChunk app = images.attach(Flux.just(chunk(toApp, 0, ChunkKind.APPEND, text, true)), bot("app"), toApp)
                .blockLast();

        assertThat(socket.attachedImages()).singleElement().satisfies(image -> assertStored(image, smaller));
        assertThat(redis.getExpire(socket.attachedImages().get(0).key()).block()).isLessThanOrEqualTo(Duration.ofMinutes(6));
        assertThat(app.attachedImages()).hasSize(2);
        assertThat(app.text()).isBlank();
        assertThat(redis.getExpire(app.attachedImages().get(0).key()).block()).isGreaterThan(Duration.ofMinutes(30));
        assertThat(outcomes).containsExactlyInAnyOrder("attached", "too_large", "attached", "attached");
    }

    @Test
    void aResponseUrlReplyKeepsMarkdownImagesWithAbsoluteUrlsAndStoresNothing() {
        var images = images(settings(10, 10_000_000, 10_000_000));
        var message = Events.accepted("url", "m-" + UUID.randomUUID(), Events.T0);
        String origin = dify.baseUrl().replace("/v1", "");

        ReplyChunk last = images.attach(Flux.just(chunk(message, 0, ChunkKind.APPEND,
                "![chart](/files/images/chart.png) ![notes](/files/images/notes.png) ![x](" + SimImages.ELSEWHERE + ")",
                true)), bot("url"), message).blockLast();

        assertThat(last.text()).isEqualTo("![chart](" + origin + "/files/images/chart.png) [image unavailable: notes]"
                + " [image unavailable: x]");
        assertThat(last.attachedImages()).isEmpty();
        assertThat(outcomes).containsExactly("linked", "not_jpg_png", "refused");
    }

    @Test
    void onlyTheBotsOwnDifyOriginAndListedHostsAreAsked() {
        var images = images(settings(10, 10_000_000, 10_000_000));
        var message = Events.accepted("streaming", "m-" + UUID.randomUUID(), Events.T0);

        ReplyChunk last = images.attach(Flux.just(chunk(message, 0, ChunkKind.APPEND,
                "![a](http://127.0.0.1:1/files/images/chart.png) ![b](http://169.254.169.254/latest/x.png)"
                        + " ![c](//evil.example/x.png) ![d](file:///etc/passwd)", true)), bot("streaming"), message).blockLast();

        assertThat(last.attachedImages()).isEmpty();
        assertThat(outcomes).containsOnly("refused");
        assertThat(last.text()).isEqualTo("[image unavailable: a] [image unavailable: b] [image unavailable: c]"
                + " [image unavailable: d]");
    }

    @Test
    void anAnswerWithoutImagesAndEveryAnswerWhenDisabledPassUntouched() {
        var message = Events.accepted("streaming", "m-" + UUID.randomUUID(), Events.T0);
        var plain = chunk(message, 0, ChunkKind.APPEND, "no images [a link](https://x)", true);
        var withImage = chunk(message, 0, ChunkKind.APPEND, "![](/files/images/chart.png)", true);
        var on = images(settings(10, 10_000_000, 10_000_000));
        var s = settings(10, 10_000_000, 10_000_000);
        var off = images(new AnswerImages.Settings(false, s.allowedHosts(), s.maxImages(), s.maxSize(), s.maxWebhookSize(),
                s.maxTotalSize(), s.downloadTimeout(), s.timeout(), s.noteText(), s.streamKeep(), s.webhookKeep()));

        assertThat(on.attach(Flux.just(plain), bot("streaming"), message).blockLast()).isSameAs(plain);
        assertThat(off.attach(Flux.just(withImage), bot("streaming"), message).blockLast()).isSameAs(withImage);
        assertThat(outcomes).isEmpty();
    }

    private void assertStored(ReplyImage image, byte[] expected) {
        assertThat(image.md5()).isEqualTo(StreamImage.of(expected).md5());
        assertThat(image.bytes()).isEqualTo(expected.length);
        assertThat(Base64.getDecoder().decode(redis.opsForValue().get(image.key()).block())).isEqualTo(expected);
    }

    private AnswerImages images(AnswerImages.Settings settings) {
        var fetcher = new ImageFetcher(HttpClient.create(), new MediaBudget(64L << 20), Duration.ofSeconds(5));
        return new AnswerImages(fetcher, new ImageStore(redis, TestWheel.bound(Duration.ofSeconds(2))), settings,
                (bot, outcome) -> outcomes.add(outcome));
    }

    private static AnswerImages.Settings settings(int maxImages, long maxWebhookSize, long maxTotalSize) {
        return new AnswerImages.Settings(true, List.of(), maxImages, 10L * 1024 * 1024, maxWebhookSize, maxTotalSize,
                Duration.ofSeconds(5), Duration.ofSeconds(20), NOTE, Duration.ofMinutes(6), Duration.ofHours(1));
    }

    private static BotConfig bot(String id) {
        return bots.find(id).orElseThrow();
    }

    private static ReplyChunk chunk(MessageAccepted message, long seq, ChunkKind kind, String text, boolean last) {
        var chunk = Events.chunk(message.botId(), message.message().msgId(), 1, seq, text, last);
        return new ReplyChunk(chunk.meta(), chunk.botId(), message.streamId(), chunk.conversationKey(), chunk.msgId(), 1,
                seq, kind, text, last, null, null, new ArrayList<>(), chunk.route(), chunk.receivedAt());
    }
}
