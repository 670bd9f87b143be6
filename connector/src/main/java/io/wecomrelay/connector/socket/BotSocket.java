package io.wecomrelay.connector.socket;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.wecomrelay.connector.wire.Frame;
import io.wecomrelay.connector.wire.Frames;
import io.wecomrelay.schemas.bot.Secret;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;

/**
 * One bot's long connection. {@link #start()} connects and subscribes, again after every drop with a jittered
 * exponential back-off (WeCom answers 45009 to rapid subscribes), until {@link #stop()}. WeCom's
 * {@code disconnected_event} means another connection subscribed as the bot, and reconnecting at once would kick it
 * back, forever (the rule of protocol reference §6.3): the socket stays {@link ConnectionState#KICKED} for
 * {@code kickedRetry}, doubling per kick, before it tries once more (never, when zero). The other side, if it is the
 * official SDK, does not come back after our kick, so the bot is served again after one pause instead of never; a
 * competitor that does come back meets us at most once per pause. A ping goes out every {@code pingInterval}; two unanswered in a row close the socket, which then
 * reconnects. {@code 846609} (not subscribed) on a frame also reconnects; the listener resends on the next subscribe.
 */
public final class BotSocket {

    private static final Logger log = LoggerFactory.getLogger(BotSocket.class);
    /** WeCom's errcode for a frame on a socket it does not count as subscribed: the socket subscribes again. */
    public static final int NOT_SUBSCRIBED = 846609;
    static final int FREQUENCY_LIMIT = 45009;

    /** What the owner of the socket hears. */
    public interface Listener {
        /** Subscribed (again): streams left open may be resent now. */
        void subscribed(BotSocket socket);

        /** A callback frame ({@code aibot_msg_callback}, {@code aibot_event_callback}) other than disconnected_event. */
        void callback(BotSocket socket, Frame frame);
    }

    private final String botId;
    private final Secret secret;
    private final HttpClient http;
    private final SocketSettings settings;
    private final Listener listener;
    private final SocketMetrics metrics;
    private final Clock clock;
    private volatile ConnectionState state = ConnectionState.CLOSED;
    private volatile boolean stopped;
    private volatile @Nullable Link link;
    private volatile @Nullable Disposable retry;
    private final Backoff backoff;
    private int failures;
    private int kicks;

    public BotSocket(String botId, Secret secret, HttpClient http, SocketSettings settings, Listener listener,
                     SocketMetrics metrics, Clock clock) {
        this.botId = botId;
        this.secret = secret;
        this.http = http;
        this.settings = settings;
        this.listener = listener;
        this.metrics = metrics;
        this.clock = clock;
        this.backoff = new Backoff(settings, () -> ThreadLocalRandom.current().nextDouble());
        metrics.state(botId, state);
    }

    public String botId() {
        return botId;
    }

    public ConnectionState state() {
        return state;
    }

    public synchronized void start() {
        if (!stopped && link == null && retry == null) {
            connect();
        }
    }

    /**
     * Closes the socket and never reconnects (the owner hands the bot on); completes once it is closed. No frame is
     * sent any more, the acks of those sent are awaited (so a finish WeCom took is known here and not sent again by
     * the next owner), then WebSocket's closing handshake: our Close frame, then WeCom's. Every callback WeCom sent
     * before its Close is still read and handed to the listener, so a message on its way while the bot moves is not
     * lost. Each wait lasts at most {@code ackTimeout}; a server that does not answer is cut off.
     */
    public Mono<Void> stop() {
        Link current;
        synchronized (this) {
            stopped = true;
            Disposable pending = retry;
            if (pending != null) {
                pending.dispose();
            }
            current = link;
            link = null;
            state(ConnectionState.CLOSED);
            if (current != null) {
                current.draining = true;
            }
        }
        if (current == null) {
            return Mono.empty();
        }
        current.refuseFrames();
        return current.acksSettled().timeout(settings.ackTimeout(), Mono.empty())
                .then(Mono.fromRunnable(current::closeGracefully))
                .then(current.done.asMono().timeout(settings.ackTimeout(), Mono.empty()))
                .onErrorComplete()
                .doFinally(signal -> current.close());
    }

    /**
     * Sends a frame answering (or issued with) {@code reqId} and completes with the ack's errcode. Fails with
     * {@link AckException} when the socket is not subscribed, closes, or the ack does not come within
     * {@code ackTimeout}. The caller sends one frame per req_id at a time.
     */
    public Mono<Integer> send(String cmd, String reqId, String frame) {
        return request(cmd, reqId, frame).map(Frame::errcode);
    }

    /**
     * Like {@link #send}, completing with the whole ack: an upload's {@code init} and {@code finish} acks carry a
     * {@code body} ({@code upload_id}, {@code media_id}).
     */
    public Mono<Frame> request(String cmd, String reqId, String frame) {
        Link current = link;
        if (current == null || state != ConnectionState.SUBSCRIBED) {
            return Mono.error(new AckException("bot " + botId + " is not subscribed"));
        }
        return current.send(cmd, reqId, frame).doOnNext(ack -> {
            if (ack.errcode() == NOT_SUBSCRIBED) {
                log.warn("WeCom says not subscribed bot={} reqId={}: subscribing again", botId, reqId);
                reconnect(current, "not_subscribed");
            }
        });
    }

    private synchronized void connect() {
        retry = null;
        if (stopped) {
            return;
        }
        state(ConnectionState.CONNECTING);
        var next = new Link();
        link = next;
        next.connection = http.websocket(WebsocketClientSpec.builder().maxFramePayloadLength(settings.maxFrameBytes()).build())
                .uri(settings.url())
                .handle((in, out) -> {
                    Mono<Void> reading = in.receive().asString().doOnNext(text -> receive(next, text)).then();
                    // when the outgoing frames end, our Close follows them; reading goes on until WeCom's Close
                    Mono<Void> writing = out.sendString(next.outgoing())
                            .sendObject(Mono.fromCallable(() -> new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE)))
                            .then().then(Mono.never());
                    next.send(Frames.SUBSCRIBE, subscribeReqId(next), Frames.subscribe(next.subscribeReqId, botId,
                            secret.reveal())).subscribe(ack -> subscribed(next, ack.errcode()),
                            error -> {
                                if (next.open) {
                                    reconnect(next, "subscribe_timeout");
                                }
                            });
                    return Mono.firstWithSignal(reading, writing);
                })
                .doFinally(signal -> closed(next))
                .subscribe(ignored -> { }, error -> log.warn("connection failed bot={} url={} cause={}", botId,
                        settings.url(), error.toString()));
    }

    private String subscribeReqId(Link next) {
        next.subscribeReqId = Frames.newReqId(Frames.SUBSCRIBE, clock.millis());
        return next.subscribeReqId;
    }

    private void subscribed(Link subscribedLink, int errcode) {
        metrics.subscribe(botId, errcode);
        if (errcode != 0) {
            log.warn("subscribe refused bot={} errcode={}", botId, errcode);
            subscribedLink.frequencyLimited = errcode == FREQUENCY_LIMIT;
            subscribedLink.close();
            return;
        }
        synchronized (this) {
            if (link != subscribedLink || stopped) {
                return;
            }
            failures = 0;
            state(ConnectionState.SUBSCRIBED);
        }
        log.info("subscribed bot={}", botId);
        subscribedLink.heartbeat = Flux.interval(settings.pingInterval(), Schedulers.parallel())
                .subscribe(tick -> ping(subscribedLink));
        listener.subscribed(this);
    }

    private void ping(Link pinged) {
        if (!pinged.lastPingAcked) {
            pinged.missedPings++;
        } else {
            pinged.missedPings = 0;
        }
        if (pinged.missedPings >= 2) {
            log.warn("two pings without an ack bot={}: reconnecting", botId);
            reconnect(pinged, "missed_pings");
            return;
        }
        pinged.lastPingAcked = false;
        String reqId = Frames.newReqId(Frames.PING, clock.millis());
        pinged.send(Frames.PING, reqId, Frames.ping(reqId))
                .subscribe(ack -> pinged.lastPingAcked = true, error -> { });
    }

    private void receive(Link from, String text) {
        Frame frame = Frame.parse(text);
        if (frame == null) {
            log.warn("unreadable frame from WeCom bot={} length={}", botId, text.length());
            return;
        }
        if (frame.isAck()) {
            from.acked(frame);
            return;
        }
        if (Frame.EVENT.equals(frame.cmd()) && "disconnected_event".equals(frame.eventType())) {
            kicked(from);
            return;
        }
        if ((from == link && state == ConnectionState.SUBSCRIBED) || from.draining) {
            listener.callback(this, frame);
        }
    }

    private void kicked(Link from) {
        Duration pause;
        synchronized (this) {
            if (link != from) {
                return;
            }
            link = null;
            state(ConnectionState.KICKED);
            kicks++;
            pause = stopped ? null : backoff.afterKick(kicks);
            if (pause != null) {
                retry = Mono.delay(pause, Schedulers.parallel()).subscribe(tick -> connect());
            }
        }
        metrics.reconnect(botId, "kicked");
        // an operator's matter: another client (a second deployment, a developer's SDK) holds the bot
        log.error("disconnected_event bot={}: another connection subscribed as this bot; not reconnecting {} "
                + "(kick {} in a row; restart the instance holding the bot to try at once)", botId,
                pause == null ? "on this instance" : "for " + pause, kicks);
        from.close();
    }

    private void reconnect(Link failed, String cause) {
        metrics.reconnect(botId, cause);
        failed.close();
    }

    private void closed(Link closedLink) {
        closedLink.closed();
        synchronized (this) {
            if (link != closedLink) {
                return;
            }
            link = null;
            if (stopped) {
                return;
            }
            state(ConnectionState.CONNECTING);
            Duration wait = backoff.next(failures, closedLink.frequencyLimited);
            failures++;
            log.info("connection closed bot={}: subscribing again in {} ms", botId, wait.toMillis());
            retry = Mono.delay(wait, Schedulers.parallel()).subscribe(tick -> connect());
        }
    }

    private void state(ConnectionState next) {
        state = next;
        metrics.state(botId, next);
    }

    /** One socket: its outgoing frames, its acks awaited by req_id, its heartbeat. */
    private final class Link {
        private final Sinks.Many<String> out = Sinks.many().unicast().onBackpressureBuffer();
        private final Map<String, Sinks.One<Frame>> pending = new ConcurrentHashMap<>();
        private final Sinks.Empty<Void> done = Sinks.empty();
        private volatile @Nullable Disposable connection;
        private volatile @Nullable Disposable heartbeat;
        private volatile String subscribeReqId = "";
        private volatile boolean lastPingAcked = true;
        private volatile int missedPings;
        private volatile boolean frequencyLimited;
        private volatile boolean open = true;
        /** Being stopped: the callbacks WeCom sent before its Close are still handed on. */
        private volatile boolean draining;

        Flux<String> outgoing() {
            return out.asFlux();
        }

        Mono<Frame> send(String cmd, String reqId, String frame) {
            Sinks.One<Frame> ack = Sinks.one();
            if (pending.putIfAbsent(reqId, ack) != null) {
                return Mono.error(new AckException("a frame for req_id " + reqId + " is still unacknowledged"));
            }
            long sent = System.nanoTime();
            synchronized (this) {
                if (!open || out.tryEmitNext(frame).isFailure()) {
                    pending.remove(reqId, ack);
                    return Mono.error(new AckException("socket of bot " + botId + " is closed"));
                }
            }
            metrics.frameSent(botId, cmd);
            return ack.asMono()
                    .timeout(settings.ackTimeout(), Mono.error(() -> new AckException("no ack within " + settings.ackTimeout())))
                    .doOnNext(answer -> metrics.ack(botId, answer.errcode(), Duration.ofNanos(System.nanoTime() - sent)))
                    .doOnError(error -> metrics.ackMissing(botId, cmd))
                    .doFinally(signal -> pending.remove(reqId, ack));
        }

        void acked(Frame ack) {
            // removed before the ack is handed on: its sender may send the req_id's next frame at once, from another
            // thread, before this one gets to the removal in send()'s doFinally (that frame would be refused)
            Sinks.One<Frame> waiting = pending.remove(ack.reqId());
            if (waiting != null) {
                waiting.tryEmitValue(ack);
            }
        }

        /** Cuts the connection off (a failed or refused one, a kick): nothing more is read from it. */
        synchronized void close() {
            closeGracefully();
            Disposable socket = connection;
            if (socket != null) {
                socket.dispose();
            }
        }

        /** Sends fail from now on; what was sent still gets its ack. */
        void refuseFrames() {
            open = false;
        }

        /** Completes once every frame sent has its ack (or failed). */
        Mono<Void> acksSettled() {
            return Flux.fromIterable(List.copyOf(pending.values()))
                    .flatMap(ack -> ack.asMono().onErrorResume(error -> Mono.empty()))
                    .then();
        }

        /** No more frames from us: the Close frame follows the last one, and the connection ends with WeCom's Close. */
        synchronized void closeGracefully() {
            open = false;
            out.tryEmitComplete();
            Disposable beat = heartbeat;
            if (beat != null) {
                beat.dispose();
            }
        }

        void closed() {
            close();
            pending.values().forEach(ack -> ack.tryEmitError(new AckException("socket closed")));
            done.tryEmitEmpty();
        }

    }
}
