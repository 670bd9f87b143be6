package io.wecomrelay.benchmarks.infra;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.wecomrelay.schemas.wecom.WecomJson;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;
import reactor.netty.resources.ConnectionProvider;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The connector benchmark's baseline, in its own JVM as the connector is: the same long connections on bare Reactor
 * Netty, without Kafka, Redis, Spring or metrics. {@code BareLongConnectionsMain <ws url> <bots file> <content bytes>
 * <loop seconds>}, the bots file one {@code id secret} per line. It subscribes every bot, prints {@code READY <n>},
 * then answers each {@code aibot_msg_callback} as fast as WeCom's rule allows: a first frame at once, and each next
 * stream frame (text of {@code content bytes}, ending in {@code #<seq>}) as soon as the previous one is acknowledged,
 * for {@code loop seconds}, then {@code finish} ({@link #WARM_UP} messages at once). Stops when stdin closes.
 */
public final class BareLongConnectionsMain {

    /** A message with this text is answered with one finished frame at once (a warm-up round). */
    public static final String WARM_UP = "warm-up";
    private static final Duration CONNECT_SPREAD = Duration.ofMillis(1);

    private final URI url;
    private final String prefix;
    private final long loopNanos;
    private final AtomicInteger subscribed = new AtomicInteger();

    private BareLongConnectionsMain(URI url, String prefix, long loopNanos) {
        this.url = url;
        this.prefix = prefix;
        this.loopNanos = loopNanos;
    }

    public static void main(String[] args) throws IOException {
        var url = URI.create(args[0]);
        List<String[]> bots = Files.readAllLines(Path.of(args[1]), StandardCharsets.UTF_8).stream()
                .filter(line -> !line.isBlank()).map(line -> line.trim().split(" ", 2)).toList();
        var main = new BareLongConnectionsMain(url, BenchContent.prefix(Integer.parseInt(args[2])),
                Duration.ofSeconds(Long.parseLong(args[3])).toNanos());
        // one connection per socket, no pool: a pool would cap the sockets per host
        HttpClient client = HttpClient.create(ConnectionProvider.newConnection());
        Flux.fromIterable(bots).delayElements(CONNECT_SPREAD).subscribe(bot -> main.connect(client, bot[0], bot[1]));
        while (main.subscribed.get() < bots.size()) {
            Mono.delay(Duration.ofMillis(50)).block();
        }
        ParentChannel.announce("READY " + bots.size());
        while (System.in.read() != -1) {
            // wait for the parent
        }
        System.exit(0);
    }

    private void connect(HttpClient client, String botId, String secret) {
        client.websocket(WebsocketClientSpec.builder().maxFramePayloadLength(1 << 20).build()).uri(url)
                .handle((in, out) -> {
                    var socket = new Socket();
                    socket.send(frame("aibot_subscribe", "subscribe-" + botId, WecomJson.mapper().createObjectNode()
                            .put("bot_id", botId).put("secret", secret)));
                    Mono<Void> reading = in.receive().asString().doOnNext(socket::receive).then();
                    return Mono.firstWithSignal(reading, out.sendString(socket.out.asFlux()).then());
                })
                .subscribe(null, error -> System.err.println("bot " + botId + ": " + error));
    }

    /** One bot's socket: its outgoing frames and its streams, each with its next sequence number and deadline. */
    private final class Socket {
        private final Sinks.Many<String> out = Sinks.many().unicast().onBackpressureBuffer();
        private final Map<String, long[]> streams = new ConcurrentHashMap<>();

        synchronized void send(String frame) {
            out.tryEmitNext(frame);
        }

        void receive(String text) {
            JsonNode frame = WecomJson.readTree(text);
            String reqId = frame.path("headers").path("req_id").asString("");
            String cmd = frame.path("cmd").asString("");
            if (cmd.isEmpty()) {
                if (reqId.startsWith("subscribe-")) {
                    subscribed.incrementAndGet();
                } else {
                    next(reqId);
                }
            } else if (cmd.equals("aibot_msg_callback")) {
                boolean warmUp = WARM_UP.equals(frame.path("body").path("text").path("content").asString(""));
                streams.put(reqId, new long[] {0, System.nanoTime() + (warmUp ? 0 : loopNanos)});
                next(reqId);
            }
        }

        /** The next frame of the stream answering {@code reqId}: its ack sends the one after, until the deadline. */
        private void next(String reqId) {
            long[] stream = streams.get(reqId);
            if (stream == null) {
                return;
            }
            boolean finish = System.nanoTime() >= stream[1];
            if (finish) {
                streams.remove(reqId);
            }
            ObjectNode body = WecomJson.mapper().createObjectNode().put("msgtype", "stream");
            body.putObject("stream").put("id", reqId).put("finish", finish).put("content", BenchContent.of(prefix, stream[0]++));
            send(frame("aibot_respond_msg", reqId, body));
        }
    }

    private static String frame(String cmd, String reqId, ObjectNode body) {
        ObjectNode frame = WecomJson.mapper().createObjectNode().put("cmd", cmd);
        frame.putObject("headers").put("req_id", reqId);
        frame.set("body", body);
        return WecomJson.write(frame);
    }
}
