package io.wecomrelay.sim.wecomws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.wecomrelay.sim.dify.SimImages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Sinks;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class LongConnectionSimulatorTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final LongConnectionSimulator wecom = LongConnectionSimulator.start();
    private final List<Client> clients = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        clients.forEach(Client::close);
        wecom.close();
    }

    @Test
    void aSecondSubscribeKicksTheFirstSocketWithDisconnectedEvent() {
        wecom.addBot("bot-a", "secret-a");
        Client first = connect();
        first.send("{\"cmd\":\"aibot_subscribe\",\"headers\":{\"req_id\":\"s1\"},\"body\":{\"bot_id\":\"bot-a\",\"secret\":\"secret-a\"}}");
        await().until(() -> first.ackOf("s1") != null);
        assertThat(first.ackOf("s1").path("errcode").asInt()).isZero();

        Client second = connect();
        second.send("{\"cmd\":\"aibot_subscribe\",\"headers\":{\"req_id\":\"s2\"},\"body\":{\"bot_id\":\"bot-a\",\"secret\":\"secret-a\"}}");

        await().until(() -> first.closed && second.ackOf("s2") != null);
        assertThat(first.received).anyMatch(frame -> frame.path("body").path("event").path("eventtype").asString("")
                .equals("disconnected_event"));
        assertThat(wecom.kicks("bot-a")).isEqualTo(1);
        assertThat(wecom.subscribes("bot-a")).isEqualTo(2);
        assertThat(wecom.subscribed("bot-a")).isTrue();
    }

    @Test
    void aWrongSecretIsRefusedAndRepliesNeedASubscribeAndAKnownReqId() {
        wecom.addBot("bot-a", "secret-a");
        Client client = connect();
        client.send("{\"cmd\":\"ping\",\"headers\":{\"req_id\":\"p0\"}}");
        await().until(() -> client.ackOf("p0") != null);
        assertThat(client.ackOf("p0").path("errcode").asInt()).isEqualTo(LongConnectionSimulator.NOT_SUBSCRIBED);

        client.send("{\"cmd\":\"aibot_subscribe\",\"headers\":{\"req_id\":\"s1\"},\"body\":{\"bot_id\":\"bot-a\",\"secret\":\"nope\"}}");
        await().until(() -> client.closed);
        assertThat(client.ackOf("s1").path("errcode").asInt()).isEqualTo(LongConnectionSimulator.INVALID_CREDENTIAL);

        Client good = subscribed("bot-a", "secret-a");
        good.send("{\"cmd\":\"aibot_respond_msg\",\"headers\":{\"req_id\":\"made-up\"},\"body\":{\"msgtype\":\"stream\","
                + "\"stream\":{\"id\":\"s\",\"finish\":true,\"content\":\"x\"}}}");
        await().until(() -> good.ackOf("made-up") != null);
        assertThat(good.ackOf("made-up").path("errcode").asInt()).isEqualTo(LongConnectionSimulator.UNKNOWN_REQ_ID);
    }

    @Test
    void repliesAreAcknowledgedWithTheCallbacksReqIdAndOverlappingFramesAreCounted() {
        wecom.addBot("bot-a", "secret-a");
        wecom.setAckDelay(Duration.ofMillis(300));
        Client client = subscribed("bot-a", "secret-a");
        var message = wecom.sendText("bot-a", "zhangsan", "你好");
        await().until(() -> client.received.stream().anyMatch(f -> f.path("cmd").asString("").equals("aibot_msg_callback")));

        String frame = "{\"cmd\":\"aibot_respond_msg\",\"headers\":{\"req_id\":\"" + message.reqId() + "\"},\"body\":"
                + "{\"msgtype\":\"stream\",\"stream\":{\"id\":\"st\",\"finish\":%s,\"content\":\"%s\"}}}";
        client.send(frame.formatted("false", "a"));
        client.send(frame.formatted("true", "ab"));
        await().until(() -> client.acksOf(message.reqId()) == 2);

        assertThat(wecom.framesFor(message.reqId())).extracting(ReceivedFrame::streamContent).containsExactly("a", "ab");
        assertThat(wecom.violations()).hasSize(1);
        client.send(frame.formatted("false", "abc"));
        await().until(() -> client.acksOf(message.reqId()) == 3);
        assertThat(wecom.framesFor(message.reqId()).get(2).errcode()).isEqualTo(LongConnectionSimulator.STREAM_EXPIRED);
    }

    @Test
    void contentOverTheLimitIsRefusedAndMarkdownCountsAgainstTheConversationsThirtyAMinute() {
        wecom.addBot("bot-a", "secret-a");
        wecom.setAckDelay(Duration.ZERO);
        Client client = subscribed("bot-a", "secret-a");
        var message = wecom.sendText("bot-a", "zhangsan", "你好");
        await().until(() -> client.received.stream().anyMatch(f -> f.path("cmd").asString("").equals("aibot_msg_callback")));
        String tooLong = "字".repeat(LongConnectionSimulator.MAX_CONTENT_BYTES / 3 + 1);
        String stream = "{\"cmd\":\"aibot_respond_msg\",\"headers\":{\"req_id\":\"" + message.reqId() + "\"},\"body\":"
                + "{\"msgtype\":\"stream\",\"stream\":{\"id\":\"st\",\"finish\":true,\"content\":\"%s\"}}}";
        String markdown = "{\"cmd\":\"aibot_respond_msg\",\"headers\":{\"req_id\":\"" + message.reqId() + "\"},\"body\":"
                + "{\"msgtype\":\"markdown\",\"markdown\":{\"content\":\"%s\"}}}";

        client.send(stream.formatted(tooLong));
        await().until(() -> client.acksOf(message.reqId()) == 1);
        client.send(markdown.formatted(tooLong));
        await().until(() -> client.acksOf(message.reqId()) == 2);
        for (int i = 0; i < LongConnectionSimulator.MESSAGES_PER_MINUTE + 1; i++) {
            client.send(markdown.formatted("第" + i + "条"));
            long acks = 3 + i;
            await().until(() -> client.acksOf(message.reqId()) == acks);
        }

        assertThat(wecom.framesFor(message.reqId())).extracting(ReceivedFrame::errcode).startsWith(
                LongConnectionSimulator.CONTENT_TOO_LONG, LongConnectionSimulator.CONTENT_TOO_LONG, 0)
                .endsWith(0, LongConnectionSimulator.FREQUENCY_LIMIT);
        assertThat(wecom.sentMarkdown("bot-a")).hasSize(LongConnectionSimulator.MESSAGES_PER_MINUTE)
                .first().satisfies(sent -> assertThat(sent.content()).isEqualTo("第0条"));
    }

    @Test
    void rapidSubscribesGetTheFrequencyLimit() {
        var strict = LongConnectionSimulator.start(java.time.Clock.systemUTC(), new LongConnectionSimulator.Settings(
                2, Duration.ofMinutes(1), Duration.ofMinutes(6), Duration.ZERO), 0);
        try {
            strict.addBot("bot-a", "secret-a");
            int[] codes = new int[3];
            for (int i = 0; i < 3; i++) {
                Client client = connectTo(strict);
                client.send("{\"cmd\":\"aibot_subscribe\",\"headers\":{\"req_id\":\"s\"},\"body\":{\"bot_id\":\"bot-a\",\"secret\":\"secret-a\"}}");
                await().until(() -> client.ackOf("s") != null);
                codes[i] = client.ackOf("s").path("errcode").asInt();
            }
            assertThat(codes).containsExactly(0, 0, LongConnectionSimulator.FREQUENCY_LIMIT);
        } finally {
            strict.close();
        }
    }

    @Test
    void uploadsInChunksCountedFromZeroOrOneCheckTheMd5AndAnImageMessageNeedsAnUploadedMediaId() {
        wecom.addBot("bot-a", "secret-a");
        Client client = subscribed("bot-a", "secret-a");
        var message = wecom.sendText("bot-a", "zhangsan", "图");
        byte[] png = SimImages.png();

        String zeroBased = upload(client, "u0", png, MediaUploads.md5(png), 0);
        String oneBased = upload(client, "u1", png, "", 1);
        assertThat(uploadFinish(client, "bad-md5", png, "0".repeat(32)).path("errcode").asInt())
                .isEqualTo(MediaUploads.INVALID_SIZE);
        request(client, "big", "aibot_upload_media_init", "{\"type\":\"image\",\"filename\":\"b.png\",\"total_size\":"
                + (2 * 1024 * 1024 + 1) + ",\"total_chunks\":5}");
        assertThat(client.ackOf("big").path("errcode").asInt()).isEqualTo(MediaUploads.INVALID_SIZE);

        String image = "{\"cmd\":\"aibot_respond_msg\",\"headers\":{\"req_id\":\"" + message.reqId() + "\"},\"body\":"
                + "{\"msgtype\":\"image\",\"image\":{\"media_id\":\"%s\"}}}";
        client.send(image.formatted(zeroBased));
        await().until(() -> client.acksOf(message.reqId()) == 1);
        client.send(image.formatted("unknown"));
        await().until(() -> client.acksOf(message.reqId()) == 2);

        assertThat(oneBased).isNotBlank();
        assertThat(wecom.uploads()).extracting(UploadedMedia::bytes).containsExactly(png, png);
        assertThat(wecom.sentImages("bot-a")).singleElement().satisfies(sent -> {
            assertThat(sent.reqId()).isEqualTo(message.reqId());
            assertThat(sent.media().bytes()).isEqualTo(png);
        });
    }

    /** Uploads {@code bytes} in two chunks numbered from {@code base}; the media id. */
    private String upload(Client client, String name, byte[] bytes, String md5, int base) {
        JsonNode finish = uploadFinish(client, name, bytes, md5, base);
        assertThat(finish.path("errcode").asInt()).isZero();
        return finish.path("body").path("media_id").asString();
    }

    private JsonNode uploadFinish(Client client, String name, byte[] bytes, String md5) {
        return uploadFinish(client, name, bytes, md5, 0);
    }

    private JsonNode uploadFinish(Client client, String name, byte[] bytes, String md5, int base) {
        int half = bytes.length / 2;
        request(client, name + "-init", "aibot_upload_media_init", "{\"type\":\"image\",\"filename\":\"a.png\",\"total_size\":"
                + bytes.length + ",\"total_chunks\":2" + (md5.isEmpty() ? "" : ",\"md5\":\"" + md5 + "\"") + "}");
        String uploadId = client.ackOf(name + "-init").path("body").path("upload_id").asString();
        var encoder = java.util.Base64.getEncoder();
        // the second chunk first: WeCom takes them in any order
        request(client, name + "-c2", "aibot_upload_media_chunk", "{\"upload_id\":\"" + uploadId + "\",\"chunk_index\":"
                + (base + 1) + ",\"base64_data\":\"" + encoder.encodeToString(java.util.Arrays.copyOfRange(bytes, half, bytes.length)) + "\"}");
        request(client, name + "-c1", "aibot_upload_media_chunk", "{\"upload_id\":\"" + uploadId + "\",\"chunk_index\":"
                + base + ",\"base64_data\":\"" + encoder.encodeToString(java.util.Arrays.copyOf(bytes, half)) + "\"}");
        request(client, name + "-fin", "aibot_upload_media_finish", "{\"upload_id\":\"" + uploadId + "\"}");
        return client.ackOf(name + "-fin");
    }

    private static void request(Client client, String reqId, String cmd, String body) {
        client.send("{\"cmd\":\"" + cmd + "\",\"headers\":{\"req_id\":\"" + reqId + "\"},\"body\":" + body + "}");
        await().until(() -> client.ackOf(reqId) != null);
    }

    private Client subscribed(String botId, String secret) {
        Client client = connect();
        client.send("{\"cmd\":\"aibot_subscribe\",\"headers\":{\"req_id\":\"sub\"},\"body\":{\"bot_id\":\"" + botId
                + "\",\"secret\":\"" + secret + "\"}}");
        await().until(() -> client.ackOf("sub") != null);
        return client;
    }

    private Client connect() {
        return connectTo(wecom);
    }

    private Client connectTo(LongConnectionSimulator server) {
        var client = new Client(server.url());
        clients.add(client);
        await().atMost(Duration.ofSeconds(5)).until(() -> client.connected);
        return client;
    }

    /** A bare WebSocket client: what it sends, and every frame it got. */
    private static final class Client {
        final Sinks.Many<String> out = Sinks.many().unicast().onBackpressureBuffer();
        final List<JsonNode> received = new CopyOnWriteArrayList<>();
        final Disposable connection;
        volatile boolean connected;
        volatile boolean closed;

        Client(String url) {
            connection = HttpClient.create().websocket().uri(url)
                    .handle((in, outbound) -> {
                        connected = true;
                        return reactor.core.publisher.Mono.firstWithSignal(
                                in.receive().asString().doOnNext(text -> received.add(JSON.readTree(text))).then(),
                                outbound.sendString(out.asFlux()).then());
                    })
                    .doFinally(signal -> closed = true)
                    .subscribe();
        }

        synchronized void send(String frame) {
            out.tryEmitNext(frame);
        }

        JsonNode ackOf(String reqId) {
            return received.stream().filter(f -> !f.has("cmd") && f.path("headers").path("req_id").asString("").equals(reqId))
                    .findFirst().orElse(null);
        }

        long acksOf(String reqId) {
            return received.stream().filter(f -> !f.has("cmd") && f.path("headers").path("req_id").asString("").equals(reqId))
                    .count();
        }

        void close() {
            connection.dispose();
        }
    }
}
