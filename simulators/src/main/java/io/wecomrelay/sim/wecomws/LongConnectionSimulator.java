package io.wecomrelay.sim.wecomws;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.WebsocketServerSpec;
import reactor.netty.http.websocket.WebsocketInbound;
import reactor.netty.http.websocket.WebsocketOutbound;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * WeCom's long-connection server (protocol reference §6) on {@code ws://127.0.0.1:PORT}, for one or many bots:
 * <ul>
 * <li>{@code aibot_subscribe} with {@code bot_id} and {@code secret}; a wrong pair gets {@link #INVALID_CREDENTIAL}
 *     (the simulator's choice: WeCom's code is unconfirmed) and the socket is closed; more than
 *     {@code subscribeLimit} subscribes of one bot within {@code subscribeWindow} get {@link #FREQUENCY_LIMIT};</li>
 * <li>one connection per bot: a second subscribe sends the old socket {@code disconnected_event} and closes it;</li>
 * <li>{@code ping} is acknowledged; every frame before a subscribe gets {@link #NOT_SUBSCRIBED};</li>
 * <li>{@code aibot_respond_msg}, {@code aibot_respond_welcome_msg} and {@code aibot_respond_update_msg} must echo
 *     the {@code req_id} of a callback sent to the bot ({@link #UNKNOWN_REQ_ID} otherwise, the simulator's choice);
 *     a stream frame more than {@code streamLimit} after the stream's first one, or after its {@code finish}, gets
 *     {@link #STREAM_EXPIRED}, as does a welcome or card update more than 5 s after its event. An {@code image}
 *     reply must name a {@code media_id} the bot uploaded (else {@link #INVALID_MEDIA}); it is listed in
 *     {@link #sentImages}. A stream's or a {@code markdown} message's content over {@link #MAX_CONTENT_BYTES} UTF-8
 *     bytes gets {@link #CONTENT_TOO_LONG}; accepted {@code markdown} messages are listed in {@link #sentMarkdown}.
 *     {@code markdown} and {@code image} messages (replies and {@code aibot_send_msg}) count against WeCom's budget
 *     per conversation (the callback's group chatid, else its sender; a push's {@code chatid}): more than
 *     {@link #MESSAGES_PER_MINUTE} in a minute or {@link #MESSAGES_PER_HOUR} in an hour get {@link #FREQUENCY_LIMIT}
 *     (stream bubbles are not counted here). Acks come after {@code ackDelay}. A frame sent while the previous frame of its
 *     {@code req_id} is unacknowledged is answered as usual but counted in {@link #violations()}: the official
 *     SDK sends one frame per {@code req_id} at a time, and the relay promises the same.</li>
 * <li>{@code aibot_upload_media_init}, {@code _chunk} and {@code _finish}, with WeCom's limits ({@link MediaUploads});
 *     finished uploads are listed in {@link #uploads()}. Frames may be up to {@link #MAX_FRAME_BYTES} long (a 512 KB
 *     chunk is about 700 KB as base64).</li>
 * </ul>
 * Tests inject messages and events ({@link #sendText}, {@link #sendEvent}), kick or drop connections, ignore
 * pings, and read what arrived ({@link #frames()}, {@link #subscribes}, {@link #kicks}).
 */
public final class LongConnectionSimulator implements AutoCloseable {

    public static final int OK = 0;
    public static final int FREQUENCY_LIMIT = 45009;
    public static final int STREAM_EXPIRED = 846608;
    public static final int NOT_SUBSCRIBED = 846609;
    public static final int INVALID_CREDENTIAL = 40001;
    public static final int UNKNOWN_REQ_ID = 846605;
    public static final int INVALID_MEDIA = 40007;
    public static final int MAX_FRAME_BYTES = 1 << 20;
    /** The simulator's choice for content over the limit (WeCom's code is unconfirmed): "invalid parameter". */
    public static final int CONTENT_TOO_LONG = MediaUploads.INVALID_PARAMETER;
    /** WeCom's limit of a stream's and a markdown message's {@code content} (protocol reference §6.6, §6.7). */
    public static final int MAX_CONTENT_BYTES = 20_480;
    public static final int MESSAGES_PER_MINUTE = 30;
    public static final int MESSAGES_PER_HOUR = 1000;

    private static final Logger log = LoggerFactory.getLogger(LongConnectionSimulator.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration REPLY_WINDOW = Duration.ofSeconds(5);
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(5);
    private static final Set<String> REPLIES = Set.of("aibot_respond_msg", "aibot_respond_welcome_msg",
            "aibot_respond_update_msg");
    private static final Set<String> UPLOADS = Set.of("aibot_upload_media_init", "aibot_upload_media_chunk",
            "aibot_upload_media_finish");

    private final Clock clock;
    private final Settings settings;
    private final DisposableServer server;
    private final AtomicInteger socketNumbers = new AtomicInteger();
    private final Map<String, String> secrets = new HashMap<>();
    private final Map<String, SimSocket> holders = new HashMap<>();
    private final Set<SimSocket> sockets = new HashSet<>();
    private final Map<String, Deque<Instant>> subscribeTimes = new HashMap<>();
    private final Map<String, Integer> subscribes = new HashMap<>();
    private final Map<String, Integer> kicks = new HashMap<>();
    private final Map<String, Callback> callbacks = new HashMap<>();
    private final Map<String, Integer> unacked = new HashMap<>();
    private final Map<String, Failures> failNext = new HashMap<>();
    private final Set<String> pingsIgnored = new HashSet<>();
    private final Deque<ReceivedFrame> frames = new ArrayDeque<>();
    private final Map<String, Long> frameCounts = new HashMap<>();
    private int frameLogCapacity = Integer.MAX_VALUE;
    private volatile Consumer<ReceivedFrame> frameListener = frame -> { };
    private final List<String> violations = new ArrayList<>();
    private final MediaUploads uploads;
    private final List<SentImage> sentImages = new ArrayList<>();
    private final List<SentMarkdown> sentMarkdown = new ArrayList<>();
    private final Map<String, Deque<Instant>> conversationMessages = new HashMap<>();
    private volatile Duration ackDelay;

    /**
     * @param subscribeLimit  subscribes of one bot allowed within {@code subscribeWindow} before 45009
     * @param streamLimit     how long a stream may be updated after its first frame (WeCom: 6 minutes)
     * @param ackDelay        how long each ack of a reply frame takes
     */
    public record Settings(int subscribeLimit, Duration subscribeWindow, Duration streamLimit, Duration ackDelay) {
        public static Settings defaults() {
            return new Settings(10, Duration.ofMinutes(1), Duration.ofMinutes(6), Duration.ofMillis(20));
        }
    }

    private LongConnectionSimulator(Clock clock, Settings settings, int port) {
        this.clock = clock;
        this.settings = settings;
        this.ackDelay = settings.ackDelay();
        this.uploads = new MediaUploads(clock);
        this.server = HttpServer.create().host("127.0.0.1").port(port)
                .route(routes -> routes.ws("/", this::serve,
                        WebsocketServerSpec.builder().maxFramePayloadLength(MAX_FRAME_BYTES).build()))
                .bindNow();
    }

    public static LongConnectionSimulator start() {
        return start(Clock.systemUTC(), Settings.defaults(), 0);
    }

    public static LongConnectionSimulator start(Clock clock, Settings settings, int port) {
        return new LongConnectionSimulator(clock, settings, port);
    }

    /** The URL to give the connector as {@code WECOM_LONG_CONNECTION_URL}. */
    public String url() {
        return "ws://127.0.0.1:" + server.port();
    }

    public int port() {
        return server.port();
    }

    public synchronized void addBot(String botId, String secret) {
        secrets.put(botId, secret);
    }

    /** How long every later ack of a reply frame waits. */
    public void setAckDelay(Duration delay) {
        this.ackDelay = delay;
    }

    /**
     * Keeps only the latest {@code capacity} frames for {@link #frames()} (a benchmark pushes millions);
     * {@link #frameCount} still counts every frame.
     */
    public synchronized void limitFrameLog(int capacity) {
        frameLogCapacity = capacity;
        while (frames.size() > capacity) {
            frames.removeFirst();
        }
    }

    /**
     * Hears every frame a client sends, as it is recorded (on the socket's I/O thread, under the simulator's lock:
     * the listener must be quick and must not call back into the simulator).
     */
    public void onFrame(Consumer<ReceivedFrame> listener) {
        this.frameListener = listener;
    }

    /** The bot's pings go unanswered (a half-dead connection) until called again with false. */
    public synchronized void ignorePings(String botId, boolean ignore) {
        if (ignore) {
            pingsIgnored.add(botId);
        } else {
            pingsIgnored.remove(botId);
        }
    }

    /** The bot's next {@code count} reply frames are answered {@code errcode} and not shown (e.g. 846609). */
    public synchronized void failNextReplies(String botId, int count, int errcode) {
        failNext.put(botId, new Failures(count, errcode));
    }

    /** What WeCom does when the bot subscribes elsewhere: {@code disconnected_event}, then the socket closes. */
    public synchronized void kick(String botId) {
        SimSocket holder = holders.remove(botId);
        if (holder != null) {
            disconnect(holder, botId);
        }
    }

    /** The bot's socket closes without a word, as when the network drops it. */
    public synchronized void drop(String botId) {
        SimSocket holder = holders.remove(botId);
        if (holder != null) {
            holder.close();
        }
    }

    /** Sends the bot's subscribed socket a text message from {@code userId} in a single chat. */
    public Injected sendText(String botId, String userId, String content) {
        String msgId = newId();
        ObjectNode body = JSON.createObjectNode();
        body.put("msgid", msgId).put("aibotid", botId).put("chattype", "single").put("msgtype", "text");
        body.putObject("from").put("userid", userId);
        body.putObject("text").put("content", content);
        return inject(botId, "aibot_msg_callback", body);
    }

    /** Sends an event ({@code enter_chat}, {@code template_card_event}, {@code feedback_event}, ...). */
    public Injected sendEvent(String botId, String userId, String eventType, JsonNode eventBody) {
        String msgId = newId();
        ObjectNode body = JSON.createObjectNode();
        body.put("msgid", msgId).put("aibotid", botId).put("create_time", clock.instant().getEpochSecond())
                .put("msgtype", "event");
        body.putObject("from").put("userid", userId);
        ObjectNode event = body.putObject("event").put("eventtype", eventType);
        event.set(eventType, eventBody);
        return inject(botId, "aibot_event_callback", body);
    }

    /**
     * Sends any callback body (for bad input). Returns once the frame is written to the bot's subscribed socket;
     * fails when the bot has none, or when the socket closed before the frame was written (it never arrives then).
     */
    public Injected inject(String botId, String cmd, JsonNode body) {
        String reqId = newId();
        ChannelFuture written;
        synchronized (this) {
            SimSocket holder = holders.get(botId);
            if (holder == null || !holder.open()) {
                throw new IllegalStateException("bot " + botId + " has no subscribed connection");
            }
            callbacks.put(reqId, new Callback(botId, cmd, conversation(body), clock.instant()));
            written = holder.send(frame(cmd, reqId, body));
        }
        // outside the lock: the socket's I/O thread needs it to read what the client sends meanwhile
        if (!written.awaitUninterruptibly(WRITE_TIMEOUT.toMillis()) || !written.isSuccess()) {
            synchronized (this) {
                callbacks.remove(reqId);
            }
            throw new IllegalStateException("bot " + botId + "'s connection closed before the frame was written");
        }
        return new Injected(reqId, body.path("msgid").asString(""));
    }

    /** A group message's chatid, else its sender's userid: where a reply goes, and whose budget it takes. */
    private static String conversation(JsonNode body) {
        String chatId = body.path("chatid").asString("");
        return body.path("chattype").asString("").equals("group") && !chatId.isEmpty() ? chatId
                : body.path("from").path("userid").asString("");
    }

    /** True while a socket is subscribed as the bot. */
    public synchronized boolean subscribed(String botId) {
        SimSocket holder = holders.get(botId);
        return holder != null && holder.open();
    }

    /** Successful subscribes of the bot so far. */
    public synchronized int subscribes(String botId) {
        return subscribes.getOrDefault(botId, 0);
    }

    /** Times the bot's socket got {@code disconnected_event} because another one subscribed (or {@link #kick}). */
    public synchronized int kicks(String botId) {
        return kicks.getOrDefault(botId, 0);
    }

    /** Sockets open now, subscribed or not. */
    public synchronized int openSockets() {
        return (int) sockets.stream().filter(SimSocket::open).count();
    }

    /** Every frame clients sent (the latest ones if {@link #limitFrameLog limited}), in arrival order. */
    public synchronized List<ReceivedFrame> frames() {
        return List.copyOf(frames);
    }

    /** Frames with this {@code cmd} that arrived so far, whatever their answer. */
    public synchronized long frameCount(String cmd) {
        return frameCounts.getOrDefault(cmd, 0L);
    }

    /** The frames that answered one callback, in arrival order. */
    public synchronized List<ReceivedFrame> framesFor(String reqId) {
        return frames.stream().filter(frame -> frame.reqId().equals(reqId)).toList();
    }

    /** Media the bots uploaded on their long connections, in the order the uploads finished. */
    public synchronized List<UploadedMedia> uploads() {
        return uploads.uploaded();
    }

    /** Image messages of one bot, in arrival order. */
    public synchronized List<SentImage> sentImages(String botId) {
        return sentImages.stream().filter(image -> image.botId().equals(botId)).toList();
    }

    /** Markdown messages of one bot the simulator accepted, in arrival order. */
    public synchronized List<SentMarkdown> sentMarkdown(String botId) {
        return sentMarkdown.stream().filter(markdown -> markdown.botId().equals(botId)).toList();
    }

    /** Frames sent while the previous frame of their req_id was not yet acknowledged. */
    public synchronized List<String> violations() {
        return List.copyOf(violations);
    }

    @Override
    public void close() {
        synchronized (this) {
            // a copy: closing a socket may end it at once, and closed() removes it from the set
            List.copyOf(sockets).forEach(SimSocket::close);
        }
        server.disposeNow(Duration.ofSeconds(5));
    }

    private Mono<Void> serve(WebsocketInbound in, WebsocketOutbound out) {
        var channel = new AtomicReference<Channel>();
        in.withConnection(connection -> channel.set(connection.channel()));
        var socket = new SimSocket(socketNumbers.incrementAndGet(), channel.get());
        synchronized (this) {
            sockets.add(socket);
        }
        Mono<Void> reading = in.receive().asString()
                .doOnNext(text -> receive(socket, text))
                .then()
                .doFinally(signal -> closed(socket));
        // whichever ends first ends the socket: the client closing, or the simulator closing it (a kick, a drop)
        return Mono.firstWithSignal(reading, socket.ended());
    }

    private synchronized void closed(SimSocket socket) {
        socket.close();
        sockets.remove(socket);
        String botId = socket.botId();
        if (botId != null && holders.get(botId) == socket) {
            holders.remove(botId);
        }
    }

    private synchronized void receive(SimSocket socket, String text) {
        JsonNode frame;
        try {
            frame = JSON.readTree(text);
        } catch (JacksonException e) {
            log.debug("unreadable frame on socket {}", socket.number());
            return;
        }
        String cmd = frame.path("cmd").asString("");
        String reqId = frame.path("headers").path("req_id").asString("");
        JsonNode body = frame.path("body").isObject() ? frame.path("body") : JSON.createObjectNode();
        if (UPLOADS.contains(cmd)) {
            upload(socket, cmd, reqId, body);
            return;
        }
        int errcode = switch (cmd) {
            case "aibot_subscribe" -> subscribe(socket, body);
            case "ping" -> socket.botId() == null ? NOT_SUBSCRIBED : -1;
            default -> reply(socket, cmd, reqId, body);
        };
        record(new ReceivedFrame(socket.botId(), cmd, reqId, body.deepCopy(), clock.instant(), Math.max(errcode, 0)));
        if (errcode == OK && body.path("msgtype").asString("").equals("image")) {
            var media = uploads.media(Objects.requireNonNull(socket.botId()), body.path("image").path("media_id").asString(""));
            sentImages.add(new SentImage(socket.botId(), cmd, reqId, Objects.requireNonNull(media), clock.instant()));
        }
        if (errcode == OK && body.path("msgtype").asString("").equals("markdown")) {
            sentMarkdown.add(new SentMarkdown(Objects.requireNonNull(socket.botId()), cmd, reqId,
                    body.path("markdown").path("content").asString(""), clock.instant()));
        }
        if (cmd.equals("ping")) {
            if (errcode == -1 && !pingsIgnored.contains(socket.botId())) {
                socket.send(ack(reqId, OK, "ok"));
            } else if (errcode != -1) {
                socket.send(ack(reqId, errcode, "aibot websocket not subscribed"));
            }
            return;
        }
        if (REPLIES.contains(cmd) && errcode == OK) {
            String key = socket.botId() + "|" + reqId;
            if (unacked.merge(key, 1, Integer::sum) > 1) {
                violations.add(cmd + " for req_id " + reqId + " before the previous frame's ack");
            }
            Mono.delay(ackDelay, Schedulers.parallel()).subscribe(tick -> ackReply(socket, key, reqId));
            return;
        }
        socket.send(ack(reqId, errcode, errmsg(errcode)));
        if (cmd.equals("aibot_subscribe") && errcode == INVALID_CREDENTIAL) {
            socket.close();
        }
    }

    /** An upload command: recorded (a chunk without its data, which would fill the log), answered with its body. */
    private void upload(SimSocket socket, String cmd, String reqId, JsonNode body) {
        String botId = socket.botId();
        MediaUploads.Answer answer = botId == null || holders.get(botId) != socket
                ? MediaUploads.Answer.failed(NOT_SUBSCRIBED) : uploads.handle(botId, cmd, body);
        ObjectNode recorded = body.isObject() ? (ObjectNode) body.deepCopy() : JSON.createObjectNode();
        if (recorded.has("base64_data")) {
            recorded.put("base64_data", "<" + body.path("base64_data").asString("").length() + " chars>");
        }
        record(new ReceivedFrame(botId, cmd, reqId, recorded, clock.instant(), answer.errcode()));
        ObjectNode ack = (ObjectNode) JSON.readTree(ack(reqId, answer.errcode(), errmsg(answer.errcode())));
        if (answer.body() != null) {
            ack.set("body", answer.body());
        }
        socket.send(JSON.writeValueAsString(ack));
    }

    private void record(ReceivedFrame frame) {
        frames.addLast(frame);
        if (frames.size() > frameLogCapacity) {
            frames.removeFirst();
        }
        frameCounts.merge(frame.cmd(), 1L, Long::sum);
        frameListener.accept(frame);
    }

    private synchronized void ackReply(SimSocket socket, String key, String reqId) {
        unacked.computeIfPresent(key, (k, count) -> count > 1 ? count - 1 : null);
        socket.send(ack(reqId, OK, "ok"));
    }

    private int subscribe(SimSocket socket, JsonNode body) {
        String botId = body.path("bot_id").asString("");
        String secret = body.path("secret").asString("");
        if (!secret.equals(secrets.get(botId))) {
            return INVALID_CREDENTIAL;
        }
        Instant now = clock.instant();
        Deque<Instant> times = subscribeTimes.computeIfAbsent(botId, id -> new ArrayDeque<>());
        while (!times.isEmpty() && !times.peekFirst().isAfter(now.minus(settings.subscribeWindow()))) {
            times.removeFirst();
        }
        if (times.size() >= settings.subscribeLimit()) {
            return FREQUENCY_LIMIT;
        }
        times.addLast(now);
        SimSocket previous = holders.put(botId, socket);
        if (previous != null && previous != socket) {
            disconnect(previous, botId);
        }
        socket.subscribedAs(botId);
        subscribes.merge(botId, 1, Integer::sum);
        log.info("subscribed bot={} socket={} previous={}", botId, socket.number(),
                previous == null ? "none" : previous.number());
        return OK;
    }

    private void disconnect(SimSocket socket, String botId) {
        ObjectNode body = JSON.createObjectNode();
        body.put("msgid", newId()).put("create_time", clock.instant().getEpochSecond()).put("aibotid", botId)
                .put("msgtype", "event");
        body.putObject("event").put("eventtype", "disconnected_event");
        socket.send(frame("aibot_event_callback", newId(), body));
        socket.close();
        kicks.merge(botId, 1, Integer::sum);
    }

    private int reply(SimSocket socket, String cmd, String reqId, JsonNode body) {
        String botId = socket.botId();
        if (botId == null || holders.get(botId) != socket) {
            return NOT_SUBSCRIBED;
        }
        if (!REPLIES.contains(cmd)) {
            // e.g. aibot_send_msg: accepted and recorded; an image's media, a markdown's size and the budget are checked
            return message(botId, body.path("chatid").asString(""), body);
        }
        Callback callback = callbacks.get(reqId);
        if (callback == null || !callback.botId().equals(botId)) {
            return UNKNOWN_REQ_ID;
        }
        Failures failures = failNext.get(botId);
        if (failures != null && failures.count() > 0) {
            failNext.put(botId, new Failures(failures.count() - 1, failures.errcode()));
            return failures.errcode();
        }
        if (cmd.equals("aibot_respond_msg") && body.path("msgtype").asString("").equals("stream")) {
            return tooLong(body.path("stream")) ? CONTENT_TOO_LONG : streamFrame(callback, body.path("stream"));
        }
        if (cmd.equals("aibot_respond_msg") && Set.of("image", "markdown").contains(body.path("msgtype").asString(""))) {
            return message(botId, callback.conversation(), body);
        }
        if (!cmd.equals("aibot_respond_msg")
                && (!callback.cmd().equals("aibot_event_callback") || clock.instant().isAfter(callback.sentAt().plus(REPLY_WINDOW)))) {
            return STREAM_EXPIRED; // a welcome or card update answers an event, within 5 s
        }
        return OK;
    }

    /** An image or markdown message (a reply or a push): its media or size, then the conversation's budget. */
    private int message(String botId, String conversation, JsonNode body) {
        String msgtype = body.path("msgtype").asString("");
        if (msgtype.equals("image") && uploads.media(botId, body.path("image").path("media_id").asString("")) == null) {
            return INVALID_MEDIA;
        }
        if (msgtype.equals("markdown") && tooLong(body.path("markdown"))) {
            return CONTENT_TOO_LONG;
        }
        if (!msgtype.equals("image") && !msgtype.equals("markdown")) {
            return OK;
        }
        Instant now = clock.instant();
        Deque<Instant> times = conversationMessages.computeIfAbsent(botId + "|" + conversation, key -> new ArrayDeque<>());
        while (!times.isEmpty() && !times.peekFirst().isAfter(now.minus(Duration.ofHours(1)))) {
            times.removeFirst();
        }
        long lastMinute = times.stream().filter(at -> at.isAfter(now.minus(Duration.ofMinutes(1)))).count();
        if (lastMinute >= MESSAGES_PER_MINUTE || times.size() >= MESSAGES_PER_HOUR) {
            return FREQUENCY_LIMIT;
        }
        times.addLast(now);
        return OK;
    }

    private static boolean tooLong(JsonNode withContent) {
        return withContent.path("content").asString("").getBytes(StandardCharsets.UTF_8).length > MAX_CONTENT_BYTES;
    }

    private int streamFrame(Callback callback, JsonNode stream) {
        Instant now = clock.instant();
        if (callback.firstFrame() == null) {
            callback.firstFrame(now);
        }
        if (callback.finished() || now.isAfter(Objects.requireNonNull(callback.firstFrame()).plus(settings.streamLimit()))) {
            return STREAM_EXPIRED;
        }
        if (stream.path("finish").asBoolean(false)) {
            callback.finish();
        }
        return OK;
    }

    private static String errmsg(int errcode) {
        return switch (errcode) {
            case OK -> "ok";
            case FREQUENCY_LIMIT -> "api freq out of limit";
            case STREAM_EXPIRED -> "stream message update expired";
            case NOT_SUBSCRIBED -> "aibot websocket not subscribed";
            case INVALID_CREDENTIAL -> "invalid credential";
            case UNKNOWN_REQ_ID -> "invalid req_id";
            case INVALID_MEDIA -> "invalid media_id";
            case MediaUploads.INVALID_SIZE -> "invalid media size";
            case MediaUploads.INVALID_TYPE -> "invalid media type";
            case MediaUploads.INVALID_IMAGE -> "invalid image";
            case MediaUploads.INVALID_PARAMETER -> "invalid parameter";
            default -> "error";
        };
    }

    private static String frame(String cmd, String reqId, JsonNode body) {
        ObjectNode frame = JSON.createObjectNode();
        frame.put("cmd", cmd);
        frame.putObject("headers").put("req_id", reqId);
        frame.set("body", body);
        return JSON.writeValueAsString(frame);
    }

    private static String ack(String reqId, int errcode, String errmsg) {
        ObjectNode ack = JSON.createObjectNode();
        ack.putObject("headers").put("req_id", reqId);
        ack.put("errcode", errcode).put("errmsg", errmsg);
        return JSON.writeValueAsString(ack);
    }

    /** WeCom's server ids look like 24 URL-safe characters. */
    private static String newId() {
        byte[] bytes = new byte[18];
        ThreadLocalRandom.current().nextBytes(bytes);
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** What was injected: the frame's req_id (every reply must echo it) and the message's msgid. */
    public record Injected(String reqId, String msgId) {
    }

    private record Failures(int count, int errcode) {
    }

    /** A callback the simulator sent, and the stream its replies build. */
    private static final class Callback {
        private final String botId;
        private final String cmd;
        private final String conversation;
        private final Instant sentAt;
        private @Nullable Instant firstFrame;
        private boolean finished;

        Callback(String botId, String cmd, String conversation, Instant sentAt) {
            this.botId = botId;
            this.cmd = cmd;
            this.conversation = conversation;
            this.sentAt = sentAt;
        }

        String botId() {
            return botId;
        }

        String cmd() {
            return cmd;
        }

        String conversation() {
            return conversation;
        }

        Instant sentAt() {
            return sentAt;
        }

        @Nullable Instant firstFrame() {
            return firstFrame;
        }

        void firstFrame(Instant at) {
            firstFrame = at;
        }

        boolean finished() {
            return finished;
        }

        void finish() {
            finished = true;
        }
    }
}
