package io.wecomrelay.llm.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wecomrelay.llm.MediaServer;
import io.wecomrelay.llm.TestWheel;
import io.wecomrelay.llm.dify.DifyClient;
import io.wecomrelay.llm.input.Attachment;
import io.wecomrelay.llm.reply.ErrorCodes;
import io.wecomrelay.schemas.bot.BotConfig;
import io.wecomrelay.schemas.bot.BotRegistryLoader;
import io.wecomrelay.schemas.outbound.OutboundPolicy;
import io.wecomrelay.schemas.wecom.crypto.AesCbcEngines;
import io.wecomrelay.schemas.wecom.crypto.MediaCipher;
import io.wecomrelay.support.outbound.GuardedHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The media pipeline against a real media server and a real (fake) Dify upload endpoint that sees
 * every byte as it arrives: files are streamed, and the memory budget is held while a file is in
 * transfer and given back on every path.
 */
class AttachmentsTest {

    private static final String AES_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
    private static final int MAX_BYTES = 1024 * 1024;
    private static final long BUDGET = MAX_BYTES + MediaFetcher.PADDING;

    @TempDir
    Path dir;

    private final MediaServer media = new MediaServer();
    private final FakeDify dify = new FakeDify();
    private final MediaBudget budget = new MediaBudget(BUDGET);
    private final List<String> reasons = new CopyOnWriteArrayList<>();
    private BotConfig bot;

    @BeforeEach
    void bot() throws IOException {
        Path bots = dir.resolve("bots.yaml");
        Files.writeString(bots, """
                bots:
                  - id: bot-a
                    token: QDG6eK
                    aes-key: %s
                    dify: { base-url: "http://127.0.0.1:%d/v1", api-key: app-test, allow-insecure-http: true }
                """.formatted(AES_KEY, dify.port()));
        bot = new BotRegistryLoader(name -> null).load(bots).find("bot-a").orElseThrow();
    }

    @AfterEach
    void stop() {
        media.close();
        dify.close();
    }

    @Test
    void aFileIsStreamedToDifyWhileItIsStillDownloading() {
        byte[] plain = bytes(256 * 1024);
        // the second half is sent only once Dify has seen a quarter: a worker that waited for the
        // whole download before uploading would wait forever
        String url = media.gated(encrypt(plain), 128 * 1024, dify.receivedAtLeast(64 * 1024), false);

        var prepared = attachments(Duration.ofSeconds(10)).prepare(bot, "msg-1", "user-1", List.of(file(url)), soon())
                .block(Duration.ofSeconds(20));

        assertThat(prepared).isEqualTo(new Prepared.Files(List.of(java.util.Map.of("type", "custom",
                "transfer_method", "local_file", "upload_file_id", "file-1"))));
        assertThat(indexOf(dify.bodies.get(0), plain)).as("the plaintext is in the upload").isPositive();
        assertThat(budget.available()).isEqualTo(BUDGET);
    }

    @Test
    void aDownloadThatGetsNoMemoryWaitsABoundedTimeThenFailsWithTheMediaSentence() throws Exception {
        // the first file's Content-Length takes the whole budget, and its body never ends
        byte[] whole = encrypt(bytes(MAX_BYTES));
        Disposable holder = attachments(Duration.ofSeconds(10))
                .prepare(bot, "msg-1", "user-1", List.of(file(media.gated(whole, 1000, Mono.never(), false))), soon())
                .subscribe();
        awaitHeld();
        var patient = attachments(Duration.ofSeconds(20))
                .prepare(bot, "msg-3", "user-1", List.of(file(media.serve(encrypt(bytes(100)), ""))), soon()).toFuture();

        var impatient = attachments(Duration.ofMillis(200))
                .prepare(bot, "msg-2", "user-1", List.of(file(media.serve(encrypt(bytes(100)), ""))), soon())
                .block(Duration.ofSeconds(10));

        assertThat(impatient).isInstanceOfSatisfying(Prepared.Failed.class,
                failed -> assertThat(failed.code()).isEqualTo(ErrorCodes.MEDIA_DOWNLOAD_FAILED));
        assertThat(reasons).containsExactly("budget");
        assertThat(patient).isNotDone();
        holder.dispose();
        assertThat(patient.get(20, java.util.concurrent.TimeUnit.SECONDS)).as("served once the holder was cancelled").isInstanceOf(Prepared.Files.class);
        assertThat(budget.available()).isEqualTo(BUDGET);
    }

    @Test
    void theBudgetIsFullAgainAfterEveryKindOfFailureAndCancellation() {
        var attachments = attachments(Duration.ofSeconds(10));
        byte[] tooLarge = encrypt(bytes(MAX_BYTES + 100));
        byte[] unaligned = java.util.Arrays.copyOf(encrypt(bytes(100_000)), 100_001);
        var failing = List.of(
                media.serve(500, new byte[10], ""),
                media.serve(unaligned, ""),
                media.gated(tooLarge, 1000, Mono.empty(), true),
                "http://127.0.0.1:1/ww-aibot-img/x?sign=1");

        for (String url : failing) {
            var prepared = attachments.prepare(bot, "msg-f", "user-1", List.of(file(url)), soon()).block(Duration.ofSeconds(20));
            assertThat(prepared).isInstanceOf(Prepared.Failed.class);
            assertThat(budget.available()).as(url).isEqualTo(BUDGET);
        }
        assertThat(reasons).containsExactly("http", "decrypt", "too_large", "refused");
        assertThat(dify.bodies).as("a broken download never completes an upload").isEmpty();

        dify.failing();
        var rejected = attachments.prepare(bot, "msg-r", "user-1", List.of(file(media.serve(encrypt(bytes(500)), ""))), soon())
                .block(Duration.ofSeconds(20));
        assertThat(rejected).isEqualTo(new Prepared.Failed("invalid_param", "upload: dify upload 400 invalid_param"));
        assertThat(budget.available()).isEqualTo(BUDGET);

        Disposable cancelled = attachments.prepare(bot, "msg-c", "user-1",
                List.of(file(media.gated(encrypt(bytes(50_000)), 20_000, Mono.never(), false))), soon()).subscribe();
        awaitHeld();
        cancelled.dispose();
        awaitReleased(); // a cancellation reaches the transfer on the connection's thread, a moment later
    }

    private Attachments attachments(Duration memoryWait) {
        var policy = OutboundPolicy.of(List.of("http://127.0.0.1:" + media.port()));
        var http = GuardedHttpClient.guard(HttpClient.create(), policy);
        var fetcher = new MediaFetcher(WebClient.builder().clientConnector(new ReactorClientHttpConnector(http)).build(),
                policy, new MediaCipher(AesCbcEngines.defaultEngine()), budget, memoryWait);
        var client = new DifyClient(WebClient.create(), new DifyClient.RetryPolicy(1, Duration.ofMillis(10),
                Duration.ofMillis(10), 0), TestWheel.bound(Duration.ofSeconds(1)), TestWheel.bound(Duration.ofSeconds(30)),
                new DifyClient.StreamLimits(1 << 20, 1 << 20), Duration.ofSeconds(2), new SimpleMeterRegistry());
        return new Attachments(new SignedUrls(fetcher), client, new Attachments.Limits(MAX_BYTES, 10, Duration.ofSeconds(30)),
                new RecordingMetrics(), Clock.systemUTC());
    }

    private void awaitReleased() {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(budget.available()).as("the cancelled transfer gave its budget back").isEqualTo(BUDGET));
    }

    private void awaitHeld() {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(budget.available()).as("the transfer holds its download size").isLessThan(BUDGET));
    }

    private static Attachment file(String url) {
        return new Attachment.Signed(Attachment.Kind.FILE, url, null);
    }

    private static Instant soon() {
        return Instant.now().plusSeconds(60);
    }

    private static byte[] encrypt(byte[] plain) {
        return MediaServer.encrypt(AES_KEY, plain);
    }

    private static byte[] bytes(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private final class RecordingMetrics implements MediaMetrics {
        @Override
        public void media(String botId, Attachment.Kind kind, String outcome, long bytes) {
        }

        @Override
        public void failed(String botId, Attachment.Kind kind, String reason) {
            reasons.add(reason);
        }

        @Override
        public void ignored(String botId, int count) {
        }
    }

    /** {@code POST /v1/files/upload} that counts body bytes as they arrive and keeps each completed body. */
    private static final class FakeDify implements AutoCloseable {
        final List<byte[]> bodies = new CopyOnWriteArrayList<>();
        private final AtomicLong received = new AtomicLong();
        private final AtomicInteger ids = new AtomicInteger();
        private volatile boolean failing;
        private final DisposableServer server = HttpServer.create().host("127.0.0.1").port(0)
                .route(routes -> routes.post("/v1/files/upload", (request, response) -> {
                    var body = new ByteArrayOutputStream();
                    return request.receive().asByteArray()
                            .doOnNext(piece -> {
                                body.writeBytes(piece);
                                received.addAndGet(piece.length);
                            })
                            .then(Mono.defer(() -> {
                                bodies.add(body.toByteArray());
                                return failing
                                        ? response.status(400).sendString(Mono.just(
                                                "{\"code\":\"invalid_param\",\"message\":\"no\",\"status\":400}")).then()
                                        : response.status(201).sendString(Mono.just(
                                                "{\"id\":\"file-" + ids.incrementAndGet() + "\"}")).then();
                            }));
                }))
                .bindNow(Duration.ofSeconds(10));

        int port() {
            return server.port();
        }

        void failing() {
            failing = true;
            bodies.clear();
        }

        /** Completes once this many upload bytes arrived. */
        Mono<Void> receivedAtLeast(long bytes) {
            return Flux.interval(Duration.ofMillis(5)).filter(tick -> received.get() >= bytes).next().then();
        }

        @Override
        public void close() {
            server.disposeNow();
        }
    }
}
