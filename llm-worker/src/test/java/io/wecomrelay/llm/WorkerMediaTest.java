package io.wecomrelay.llm;

import static io.wecomrelay.llm.WorkerTestSupport.DIFY;
import static io.wecomrelay.llm.WorkerTestSupport.chatReferencing;
import static io.wecomrelay.llm.WorkerTestSupport.send;
import static io.wecomrelay.llm.WorkerTestSupport.uploadOf;
import static io.wecomrelay.llm.WorkerTestSupport.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.function.Consumer;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.wecomrelay.llm.media.MediaBudget;
import io.wecomrelay.llm.reply.ErrorCodes;
import io.wecomrelay.schemas.event.MessageAccepted;
import io.wecomrelay.schemas.ids.ConversationKeys;
import io.wecomrelay.sim.dify.DifySimulator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import tools.jackson.databind.node.ObjectNode;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Images, files and videos through one worker, with the WeCom media storage played by a local
 * server (the only simulator port on the allow-list) and an "internal service" that counts every
 * connection it gets: media URLs that are not on the allow-list must never reach it, in any
 * spelling, and every failure to fetch a file must read the same to the user.
 */
@SpringBootTest(classes = LlmWorkerApplication.class)
class WorkerMediaTest {

    private static final String PREFIX = "media";
    private static final String ACCEPTED = PREFIX + ".accepted";
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final WorkerTestSupport.ChunkCollector CHUNKS = WorkerTestSupport.chunks(PREFIX + ".chunks");
    private static final MediaServer MEDIA = new MediaServer();
    private static final CountingServer INTERNAL = new CountingServer();
    /** Listed, and nothing listens there. */
    private static final int CLOSED_PORT = closedPort();
    private static final String MEDIA_ONLY_QUERY = "请看我发送的文件。(Please look at the file I sent.)";
    private static final int MAX_MEDIA_BYTES = 64 * 1024;
    private static final int MAX_ATTACHMENTS = 3;
    private static final Duration DEADLINE = Duration.ofSeconds(330);

    @Autowired
    MeterRegistry meters;

    @Autowired
    MediaBudget budget;

    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        WorkerTestSupport.properties(PREFIX).forEach((key, value) -> registry.add(key, () -> value));
        registry.add("relay.worker.media.max-size", () -> MAX_MEDIA_BYTES + "B");
        // longer than any wait below: only the reply's deadline can end a hanging download in time
        registry.add("relay.worker.media.download-timeout", () -> "60s");
        registry.add("relay.worker.media.max-attachments", () -> Integer.toString(MAX_ATTACHMENTS));
        registry.add("relay.worker.media.memory-budget", () -> "1MB");
        // the simulators' exact ports only, and a name that resolves to loopback (DNS rebinding)
        registry.add("relay.worker.media.allowed-hosts[0]", () -> "http://127.0.0.1:" + MEDIA.port());
        registry.add("relay.worker.media.allowed-hosts[1]", () -> "http://127.0.0.1:" + CLOSED_PORT);
        registry.add("relay.worker.media.allowed-hosts[2]", () -> "http://localhost:" + INTERNAL.port());
        registry.add("relay.worker.reply.deadline", () -> DEADLINE.toSeconds() + "s");
    }

    @BeforeEach
    void captureLogs() {
        logs.start();
        root().addAppender(logs);
    }

    @AfterEach
    void noLogLineShowsASignedUrl() {
        root().detachAppender(logs);
        assertThat(logs.list).extracting(WorkerMediaTest::withCauses)
                .noneMatch(line -> line.contains("q-sign") || line.contains("/ww-aibot-img/") || line.contains("/latest/"));
    }

    /** The line and the messages of its exception chain, as an appender would print them. */
    private static String withCauses(ILoggingEvent event) {
        var text = new StringBuilder(event.getFormattedMessage());
        for (var cause = event.getThrowableProxy(); cause != null; cause = cause.getCause()) {
            text.append(" | ").append(cause.getMessage());
        }
        return text.toString();
    }

    @AfterAll
    static void stopServers() {
        MEDIA.close();
        INTERNAL.close();
    }

    @Test
    void imagesFilesAndMixedImagesAreStreamedDecryptedIntoDifyUploads() {
        byte[] png = pngBytes(5_000);
        byte[] pdf = ("%PDF-1.7 报告 " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
        byte[] first = pngBytes(700);
        byte[] second = pngBytes(900);
        var image = media("image", MEDIA.serve(encrypt(png), ""));
        var file = media("file", MEDIA.serve(encrypt(pdf), "attachment; filename*=UTF-8''%E6%8A%A5%E5%91%8A%20v2.pdf"));
        String mixedText = "比较这两张图 " + UUID.randomUUID();
        var mixed = mixed(mixedText, MEDIA.serve(encrypt(first), ""), MEDIA.serve(encrypt(second), ""));
        List.of(image, file, mixed).forEach(m -> send(ACCEPTED, m));

        assertThat(CHUNKS.awaitReply(image).text()).isEqualTo(DifySimulator.expectedAnswer(MEDIA_ONLY_QUERY, 1));
        var imageUpload = uploadOf(png);
        assertThat(imageUpload.name()).isEqualTo("image.png");
        assertThat(imageUpload.mimeType()).isEqualTo("image/png");
        assertThat(imageUpload.user()).isEqualTo(ConversationKeys.difyUser(WorkerTestSupport.BOT, image.message().userId()));
        var imageRequest = chatReferencing(imageUpload.id());
        assertThat(imageRequest.user()).isEqualTo(imageUpload.user());
        assertThat(imageRequest.files().get(0).get("type").asString()).isEqualTo("image");
        assertThat(imageRequest.files().get(0).get("transfer_method").asString()).isEqualTo("local_file");
        assertThat(MEDIA.requested()).anyMatch(uri -> uri.endsWith("?sign=q-sign-algorithm%3Dsha1%26q-sign-time%3D1733467811%3B1733468111"));

        assertThat(CHUNKS.awaitReply(file).errorCode()).isNull();
        var fileUpload = uploadOf(pdf);
        assertThat(fileUpload.name()).isEqualTo("报告 v2.pdf");
        assertThat(fileUpload.mimeType()).isEqualTo("application/pdf");
        assertThat(chatReferencing(fileUpload.id()).files().get(0).get("type").asString()).isEqualTo("document");

        assertThat(CHUNKS.awaitReply(mixed).text()).isEqualTo(DifySimulator.expectedAnswer(mixedText, 2));
        var mixedRequest = chatReferencing(uploadOf(first).id());
        assertThat(mixedRequest.files()).hasSize(2);
        assertThat(mixedRequest.files().get(1).get("upload_file_id").asString()).isEqualTo(uploadOf(second).id());
        await().atMost(WAIT).untilAsserted(() -> assertThat(meters.find("relay.worker.media").tag("kind", "image").tag("outcome", "ok")
                .counters().stream().mapToDouble(Counter::count).sum()).isGreaterThanOrEqualTo(3));
        awaitBudgetFull();
    }

    /** Whoever can sign a callback must not be able to point the worker at internal services. */
    @Test
    void mediaUrlsOffTheAllowListAreNeverRequestedInAnySpelling() throws Exception {
        int port = INTERNAL.port();
        double refusedBefore = failures("refused");
        var messages = new ArrayList<MessageAccepted>();
        for (String url : List.of("http://127.0.0.1:" + port + "/x", "http://2130706433:" + port + "/x",
                "http://[::1]:" + port + "/x", "http://[::ffff:127.0.0.1]:" + port + "/x", "http://0177.0.0.1:" + port + "/x",
                "http://127.1:" + port + "/x", "http://0x7f.0.0.1:" + port + "/x", "http://localhost:" + port + "/x",
                "https://2130706433/", "https://[::1]/", "https://[::ffff:127.0.0.1]/",
                "https://169.254.169.254/latest/meta-data/", "https://0177.0.0.1/", "https://127.0.0.1:" + port + "/x",
                "http://user@127.0.0.1:" + port + "/x", "file:///etc/passwd", "gopher://127.0.0.1:" + port + "/x")) {
            messages.add(media("image", url));
        }
        messages.add(media("file", "http://2130706433:" + port + "/f"));
        messages.add(media("video", "http://[::1]:" + port + "/v"));
        String allowed = MEDIA.serve(encrypt(pngBytes(300)), "");
        var mixed = mixed("图 " + UUID.randomUUID(), allowed, "http://127.0.0.1:" + port + "/m");
        messages.add(mixed);
        messages.forEach(m -> send(ACCEPTED, m));
        // quoted media are context only and never fetched, whatever their URL
        var quoting = quoted("这是什么？ " + UUID.randomUUID(), "http://127.0.0.1:" + port + "/q");
        send(ACCEPTED, quoting);

        var sentences = messages.stream().map(CHUNKS::awaitReply).map(reply -> {
            assertThat(reply.errorCode()).isEqualTo(ErrorCodes.MEDIA_DOWNLOAD_FAILED);
            return reply.text();
        }).distinct().toList();
        assertThat(sentences).singleElement().asString().contains("could not be downloaded");
        assertThat(CHUNKS.awaitReply(quoting).errorCode()).isNull();

        assertThat(INTERNAL.connections()).as("connections to the internal service").isZero();
        assertThat(MEDIA.wasRequested(allowed)).as("every URL is checked before the first download").isFalse();
        await().atMost(WAIT).untilAsserted(() -> assertThat(failures("refused") - refusedBefore).isEqualTo(messages.size()));
        assertThat(INTERNAL.getDirectly()).isEqualTo(200);
        assertThat(INTERNAL.connections()).as("the counter counts").isEqualTo(1);
    }

    /** No oracle: refused, unreachable, HTTP errors and undecryptable bytes read the same. */
    @Test
    void everyFailureToFetchAFileGivesTheSameSentenceAndOnlyTooLargeItsOwn() {
        var reasons = List.of("refused", "unreachable", "http", "decrypt", "too_large");
        var before = reasons.stream().map(this::failures).toList();
        var large = media("file", MEDIA.serve(encrypt(new byte[MAX_MEDIA_BYTES + 1]), ""));
        var refused = media("image", "https://files.example.net/ww-aibot-img/x?sign=q-sign-1");
        var unreachable = media("image", "http://127.0.0.1:" + CLOSED_PORT + "/ww-aibot-img/x?sign=q-sign-2");
        var expired = media("image", MEDIA.missing());
        var denied = media("video", MEDIA.serve(403, "<Error>Request has expired</Error>".getBytes(StandardCharsets.UTF_8), ""));
        var garbled = media("image", MEDIA.serve(new byte[1001], ""));
        List.of(large, refused, unreachable, expired, denied, garbled).forEach(m -> send(ACCEPTED, m));

        var largeReply = CHUNKS.awaitReply(large);
        assertThat(largeReply.errorCode()).isEqualTo(ErrorCodes.MEDIA_TOO_LARGE);
        assertThat(largeReply.text()).contains("too large");
        assertThat(largeReply.chunks()).singleElement().satisfies(chunk -> assertThat(chunk.last()).isTrue());
        var replies = List.of(refused, unreachable, expired, denied, garbled).stream().map(CHUNKS::awaitReply).toList();
        assertThat(replies).extracting(WorkerTestSupport.Reply::errorCode).containsOnly(ErrorCodes.MEDIA_DOWNLOAD_FAILED);
        assertThat(replies).extracting(WorkerTestSupport.Reply::text).containsOnly(replies.get(0).text());
        assertThat(DIFY.requestsFor(MEDIA_ONLY_QUERY)).noneMatch(request -> request.user() != null
                && List.of(large, refused, unreachable, expired, denied, garbled).stream()
                        .anyMatch(m -> request.user().endsWith(m.message().userId())));

        var counted = reasons.stream().map(this::failures).toList();
        assertThat(counted.get(0) - before.get(0)).as("refused").isEqualTo(1);
        assertThat(counted.get(1) - before.get(1)).as("unreachable").isEqualTo(1);
        assertThat(counted.get(2) - before.get(2)).as("http").isEqualTo(2);
        assertThat(counted.get(3) - before.get(3)).as("decrypt").isEqualTo(1);
        assertThat(counted.get(4) - before.get(4)).as("too_large").isEqualTo(1);
        var lines = logs.list.stream().map(ILoggingEvent::getFormattedMessage)
                .filter(line -> line.startsWith("media not passed on") && line.contains(refused.message().msgId())).toList();
        assertThat(lines).singleElement().asString().contains("bot=" + WorkerTestSupport.BOT, "host=files.example.net",
                "reason=refused");
        awaitBudgetFull();
    }

    @Test
    void aCallbackMessageCannotChooseTheKeyItsMediaAreDecryptedWith() {
        byte[] png = pngBytes(2_000);
        byte[] attackerKey = new byte[32];
        new Random(1).nextBytes(attackerKey);
        var image = WorkerTestSupport.callback(user(), "image", Instant.now(), body -> body.putObject("image")
                .put("url", MEDIA.serve(encrypt(png), ""))
                .put("aeskey", Base64.getEncoder().encodeToString(attackerKey)));
        send(ACCEPTED, image);

        assertThat(CHUNKS.awaitReply(image).errorCode()).isNull();
        assertThat(DIFY.uploads()).as("decrypted with the bot's key").anyMatch(upload -> Arrays.equals(upload.content(), png));
    }

    /** A file that never arrives, or stops halfway, cannot hold the reply past its deadline. */
    @Test
    void aMediaServerThatNeverAnswersCannotHoldTheReplyPastItsDeadline() {
        double before = failures("deadline");
        Instant nearlyDue = Instant.now().minus(DEADLINE).plusSeconds(3);
        byte[] encrypted = encrypt(pngBytes(40_000));
        var silent = WorkerTestSupport.callback(user(), "image", nearlyDue,
                body -> body.putObject("image").put("url", MEDIA.silent()));
        var stalled = WorkerTestSupport.callback(user(), "file", nearlyDue,
                body -> body.putObject("file").put("url", MEDIA.gated(encrypted, 20_000, Mono.never(), false)));
        List.of(silent, stalled).forEach(m -> send(ACCEPTED, m));

        for (var message : List.of(silent, stalled)) {
            assertThat(CHUNKS.awaitReply(message).errorCode()).isEqualTo(ErrorCodes.MEDIA_DOWNLOAD_FAILED);
        }
        await().atMost(WAIT).untilAsserted(() -> assertThat(failures("deadline") - before).isEqualTo(2));
        awaitBudgetFull();
    }

    @Test
    void onlyTheFirstAttachmentsOfAMessageArePassedOn() {
        var urls = new ArrayList<String>();
        for (int i = 0; i < MAX_ATTACHMENTS + 2; i++) {
            urls.add(MEDIA.serve(encrypt(pngBytes(400 + i)), ""));
        }
        double ignoredBefore = ignored();
        String text = "五张图 " + UUID.randomUUID();
        var mixed = mixed(text, urls.toArray(String[]::new));
        send(ACCEPTED, mixed);

        assertThat(CHUNKS.awaitReply(mixed).text()).isEqualTo(DifySimulator.expectedAnswer(text, MAX_ATTACHMENTS));
        assertThat(urls).extracting(MEDIA::wasRequested).containsExactly(true, true, true, false, false);
        await().atMost(WAIT).untilAsserted(() -> assertThat(ignored() - ignoredBefore).isEqualTo(2));
    }

    private static MessageAccepted media(String type, String url) {
        return WorkerTestSupport.message(user(), type, null, payload -> payload.put("url", url));
    }

    private static MessageAccepted mixed(String text, String... imageUrls) {
        return WorkerTestSupport.message(user(), "mixed", null, payload -> {
            var items = payload.putArray("msg_item");
            items.addObject().put("msgtype", "text").putObject("text").put("content", text);
            for (String url : imageUrls) {
                items.addObject().put("msgtype", "image").putObject("image").put("url", url);
            }
        });
    }

    private static MessageAccepted quoted(String text, String quotedImageUrl) {
        Consumer<ObjectNode> body = json -> {
            json.putObject("text").put("content", text);
            json.putObject("quote").put("msgtype", "image").putObject("image").put("url", quotedImageUrl);
        };
        return WorkerTestSupport.callback(user(), "text", Instant.now(), body);
    }

    private double failures(String reason) {
        return meters.find("relay.worker.media.failures").tag("reason", reason).counters().stream()
                .mapToDouble(Counter::count).sum();
    }

    private double ignored() {
        return meters.find("relay.worker.media.ignored").counters().stream().mapToDouble(Counter::count).sum();
    }

    /** Every path, success, failure and cancellation, gives the reserved bytes back. */
    private void awaitBudgetFull() {
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(budget.available()).isEqualTo(budget.capacity()));
    }

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    private static byte[] encrypt(byte[] plain) {
        return MediaServer.encrypt(WorkerTestSupport.AES_KEY, plain);
    }

    private static byte[] pngBytes(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        byte[] magic = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
        System.arraycopy(magic, 0, bytes, 0, magic.length);
        return bytes;
    }

    private static int closedPort() {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
