package io.wecomrelay.llm;

import static io.wecomrelay.llm.WorkerTestSupport.DIFY;
import static io.wecomrelay.llm.WorkerTestSupport.send;
import static io.wecomrelay.llm.WorkerTestSupport.text;
import static io.wecomrelay.llm.WorkerTestSupport.user;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;

import io.micrometer.core.instrument.MeterRegistry;
import io.wecomrelay.schemas.event.ChunkKind;
import io.wecomrelay.schemas.event.ReplyImage;
import io.wecomrelay.schemas.wecom.reply.ImageFormat;
import io.wecomrelay.schemas.wecom.reply.StreamImage;
import io.wecomrelay.sim.dify.DifySimulator;
import io.wecomrelay.sim.dify.SimImages;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Images in answers through one worker: the Dify simulator answers with Markdown images and a {@code message_file}
 * image (relative URLs, resolved against the bot's Dify base URL) and serves their files over real HTTP; the last
 * chunk on the real broker names the attached images, whose base64 is in the real Redis, and the text names the
 * images that cannot be shown (not an image, over 10 MB, an unlisted host).
 */
@SpringBootTest(classes = LlmWorkerApplication.class)
class WorkerImagesTest {

    private static final String PREFIX = "img";
    private static final String STREAMING = "bot-img-stream";
    private static final String WEBHOOK = "bot-img-hook";
    private static final String RESPONSE_URL = "bot-img-url";
    private static final String NOTE = "[图片无法显示 image unavailable: %s]";
    private static final WorkerTestSupport.ChunkCollector CHUNKS = WorkerTestSupport.chunks(PREFIX + ".chunks");
    private static final Path BOTS = WorkerTestSupport.botsFile("bots:\n"
            + bot(STREAMING, "passive_stream") + bot(WEBHOOK, "webhook") + bot(RESPONSE_URL, "response_url"));

    @Autowired
    ReactiveStringRedisTemplate redis;

    @Autowired
    MeterRegistry meters;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        WorkerTestSupport.properties(PREFIX).forEach((key, value) -> registry.add(key, () -> value));
        registry.add("relay.worker.bots-file", BOTS::toString);
    }

    @Test
    void aStreamingBotsLastChunkAttachesThePngAndTheJpgAndNamesTheImagesThatCannotBeShown() {
        var message = text(STREAMING, user(), "画个图 [sim:images]", Instant.now());
        send(PREFIX + ".accepted", message);

        var reply = CHUNKS.awaitReply(message);

        var last = reply.last();
        assertThat(last.error()).isNull();
        assertThat(last.kind()).isEqualTo(ChunkKind.REPLACE);
        assertThat(last.images()).as("decided here, not left to ingress").isEmpty();
        assertThat(last.attachedImages()).extracting(ReplyImage::format).containsExactly(ImageFormat.PNG, ImageFormat.JPG);
        assertStored(last.attachedImages().get(0), SimImages.png());
        assertStored(last.attachedImages().get(1), SimImages.jpg());
        assertThat(reply.text()).startsWith(DifySimulator.expectedAnswer(query(message)))
                .contains(NOTE.formatted("notes"), NOTE.formatted("big"), NOTE.formatted("elsewhere"))
                .doesNotContain("![", "/files/");
        assertThat(count(STREAMING, "attached")).isEqualTo(2);
        assertThat(count(STREAMING, "not_jpg_png")).isEqualTo(1);
        assertThat(count(STREAMING, "too_large")).isEqualTo(1);
        assertThat(count(STREAMING, "refused")).isEqualTo(1);
    }

    @Test
    void aWebhookBotsImagesAreAttachedAndAResponseUrlBotKeepsThemAsAbsoluteMarkdownImages() {
        var hook = text(WEBHOOK, user(), "webhook [sim:images]", Instant.now());
        var url = text(RESPONSE_URL, user(), "response_url [sim:images]", Instant.now());
        send(PREFIX + ".accepted", hook);
        send(PREFIX + ".accepted", url);

        var hookReply = CHUNKS.awaitReply(hook);
        var urlReply = CHUNKS.awaitReply(url);

        assertThat(hookReply.last().attachedImages()).hasSize(2);
        assertStored(hookReply.last().attachedImages().get(0), SimImages.png());
        String origin = DIFY.baseUrl().substring(0, DIFY.baseUrl().length() - "/v1".length());
        assertThat(urlReply.last().attachedImages()).isEmpty();
        assertThat(urlReply.text()).contains("![chart](" + origin + "/files/images/chart.png)")
                .containsPattern("!\\[image]\\(" + java.util.regex.Pattern.quote(origin) + "/files/tools/[^)]+\\.jpg\\)")
                .contains(NOTE.formatted("notes"), NOTE.formatted("big"), NOTE.formatted("elsewhere"));
        assertThat(count(RESPONSE_URL, "linked")).isEqualTo(2);
    }

    private void assertStored(ReplyImage image, byte[] expected) {
        assertThat(image.md5()).isEqualTo(StreamImage.of(expected).md5());
        assertThat(image.bytes()).isEqualTo(expected.length);
        assertThat(Base64.getDecoder().decode(redis.opsForValue().get(image.key()).block())).isEqualTo(expected);
        assertThat(redis.getExpire(image.key()).block()).isPositive();
    }

    private double count(String bot, String outcome) {
        var counter = meters.find("relay.worker.images").tag("bot", bot).tag("outcome", outcome).counter();
        return counter == null ? 0 : counter.count();
    }

    private static String query(io.wecomrelay.schemas.event.MessageAccepted message) {
        return message.message().body().path("text").path("content").asString();
    }

    private static String bot(String id, String replyMode) {
        return WorkerTestSupport.callbackBot(id, "reply-mode: " + replyMode, "webhook-key: wk");
    }
}
