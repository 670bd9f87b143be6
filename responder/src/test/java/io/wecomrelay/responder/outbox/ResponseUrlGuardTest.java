package io.wecomrelay.responder.outbox;

import static io.wecomrelay.responder.outbox.OutboxHarness.WAIT;
import static io.wecomrelay.responder.outbox.OutboxHarness.code;
import static io.wecomrelay.responder.outbox.OutboxHarness.deliveries;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import io.wecomrelay.responder.TestChunks;
import io.wecomrelay.responder.TopicReader;
import io.wecomrelay.schemas.event.DeliveryFailure;
import io.wecomrelay.schemas.event.DeliveryOutcome;
import io.wecomrelay.schemas.event.DeliveryRecorded;
import io.wecomrelay.schemas.topic.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * Signed callbacks name the response_url; a bot's leaked credentials must not turn the responder into
 * a client of the internal network. A real server on 127.0.0.1 and ::1 answers like WeCom and counts
 * every request that reaches it: response_urls that point at it (or at other internal addresses) in any
 * spelling must make none, and be given up at once.
 */
class ResponseUrlGuardTest {

    @RegisterExtension
    static final OutboxHarness harness = new OutboxHarness(100, Duration.ofSeconds(1));
    static final AtomicInteger HITS = new AtomicInteger();
    static final List<DisposableServer> SERVERS = new ArrayList<>();
    static int port;

    final OutboxHarness.Scope scope = harness.scope();

    @BeforeAll
    static void start() {
        SERVERS.add(countingServer("127.0.0.1", 0));
        port = SERVERS.get(0).port();
        SERVERS.add(countingServer("::1", port));
    }

    @AfterAll
    static void stop() {
        SERVERS.forEach(DisposableServer::disposeNow);
    }

    @Test
    void responseUrlsAtInternalAddressesInAnySpellingMakeNoRequestAndDoNotHoldBackTheNextReply() {
        // Given replies whose response_urls point at the counting server or other internal addresses, and a
        // good one last; the allow-list has the simulator and the name "localhost" at the counting port
        String path = "/cgi-bin/aibot/response?response_code=c";
        List<String> urls = List.of(
                "http://127.0.0.1:" + port + path,                  // the literal, but not the listed port
                "http://2130706433:" + port + path,                 // decimal
                "http://0177.0.0.1:" + port + path,                 // octal
                "http://0x7f.0.0.1:" + port + path,                 // hex
                "http://127.1:" + port + path,                      // short form
                "http://[::1]:" + port + path,                      // IPv6 loopback
                "http://[::ffff:127.0.0.1]:" + port + path,         // IPv4-mapped IPv6
                "http://[::ffff:7f00:1]:" + port + path,            // the same in hex
                "http://localhost:" + port + path,                  // listed name that resolves to loopback
                "https://qyapi.weixin.qq.com@127.0.0.1:" + port + path, // userinfo
                "http://169.254.169.254/latest/meta-data/iam/security-credentials/", // cloud metadata
                "http://100.100.100.200/latest/meta-data/",         // Alibaba Cloud metadata
                "http://10.0.0.1:" + port + path,                   // private
                "https://192.168.1.1" + path,                       // private, https
                "file:///etc/passwd");
        List<TestChunks> bad = urls.stream().map(url -> TestChunks.stream("bot-url").withResponseUrl(url)).toList();
        bad.forEach(stream -> scope.queue(stream.last(1, 0, "never sent")));
        int before = HITS.get();
        String goodUrl = harness.wecom.newResponseUrl();
        scope.queue(TestChunks.stream("bot-url").withResponseUrl(goodUrl).last(1, 0, "the good one"));

        // When
        try (var instance = scope.instance("guarded", List.of(harness.wecom.baseUrl(), "http://localhost:" + port),
                OutboxHarness.NO_LIMITS)) {
            await().atMost(WAIT).until(() -> scope.drained("bot-url"));
        }

        // Then no request reached the counting server, each bad reply was given up at its first attempt,
        // and the good one arrived
        assertThat(HITS.get() - before).isZero();
        Set<String> ids = bad.stream().map(TestChunks::streamId).collect(Collectors.toSet());
        Map<String, List<DeliveryRecorded>> recorded = deliveries(ids);
        Set<String> deadLettered = TopicReader.all(Topics.CHUNKS.deadLetter().name(), record -> ids.contains(record.key()))
                .stream().map(ConsumerRecord::key).collect(Collectors.toSet());
        for (TestChunks stream : bad) {
            assertThat(recorded.get(stream.streamId())).as(stream.route().responseUrl())
                    .extracting(DeliveryRecorded::attempt, DeliveryRecorded::outcome, DeliveryRecorded::reason)
                    .containsExactly(tuple(1, DeliveryOutcome.FAILED, DeliveryFailure.REFUSED_URL));
        }
        assertThat(deadLettered).isEqualTo(ids);
        assertThat(recorded.get(bad.get(8).streamId())).extracting(DeliveryRecorded::detail)
                .containsExactly("refused before connecting: forbidden_address");
        assertThat(harness.wecom.messagesTo(code(goodUrl))).hasSize(1);
    }

    /** The positive control: listed as that exact literal and port, the counting server is reached and counts. */
    @Test
    void theCountingServerCountsARequestThatIsAllowed() {
        var stream = TestChunks.stream("bot-url").withResponseUrl("http://127.0.0.1:" + port + "/cgi-bin/aibot/response?response_code=ok");
        scope.queue(stream.last(1, 0, "allowed"));
        int before = HITS.get();

        try (var instance = scope.instance("open", List.of(harness.wecom.baseUrl(), "http://127.0.0.1:" + port),
                OutboxHarness.NO_LIMITS)) {
            await().atMost(WAIT).until(() -> scope.drained("bot-url"));
        }

        assertThat(HITS.get() - before).isEqualTo(1);
        assertThat(deliveries(stream.streamId())).extracting(DeliveryRecorded::outcome).containsExactly(DeliveryOutcome.DELIVERED);
    }

    private static DisposableServer countingServer(String host, int port) {
        return HttpServer.create().host(host).port(port)
                .handle((request, response) -> {
                    HITS.incrementAndGet();
                    return response.header("Content-Type", "application/json")
                            .sendString(Mono.just("{\"errcode\":0,\"errmsg\":\"ok\"}"));
                })
                .bindNow();
    }
}
