package io.wecomrelay.connector.ownership;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.wecomrelay.connector.inbound.InboundRelay;
import io.wecomrelay.connector.reply.BotStreams;
import io.wecomrelay.connector.socket.BotSocket;
import io.wecomrelay.connector.wire.Frame;
import io.wecomrelay.schemas.bot.BotConfig;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/** One owned bot: its socket, its open streams, and where its callbacks go. */
final class BotSession implements BotSocket.Listener {

    private volatile BotConfig bot;
    private final InboundRelay inbound;
    private BotSocket socket;
    private BotStreams streams;
    private int handling;
    private final List<Sinks.Empty<Void>> idleWaiters = new ArrayList<>();

    BotSession(BotConfig bot, InboundRelay inbound) {
        this.bot = bot;
        this.inbound = inbound;
    }

    void attach(BotSocket socket, BotStreams streams) {
        this.socket = socket;
        this.streams = streams;
    }

    BotConfig bot() {
        return bot;
    }

    /** A reloaded bots file: texts and cards apply to the next message; a new secret needs a new socket. */
    void update(BotConfig config) {
        this.bot = config;
        streams.placeholder(config.placeholder());
    }

    BotSocket socket() {
        return socket;
    }

    BotStreams streams() {
        return streams;
    }

    @Override
    public void subscribed(BotSocket subscribed) {
        streams.resume();
    }

    @Override
    public void callback(BotSocket from, Frame frame) {
        synchronized (this) {
            handling++;
        }
        inbound.accept(bot, from, streams, frame).doFinally(signal -> handled()).subscribe();
    }

    /**
     * Hands the bot on: closes its socket (reading what WeCom sent before its Close), then waits up to
     * {@code patience} until every callback read is published and its stream recorded open, where the next owner
     * finds it.
     */
    Mono<Void> release(Duration patience) {
        return socket.stop().then(Mono.defer(this::idle).timeout(patience, Mono.empty()));
    }

    private synchronized Mono<Void> idle() {
        if (handling == 0) {
            return Mono.empty();
        }
        Sinks.Empty<Void> waiter = Sinks.empty();
        idleWaiters.add(waiter);
        return waiter.asMono();
    }

    private synchronized void handled() {
        handling--;
        if (handling == 0) {
            idleWaiters.forEach(Sinks.Empty::tryEmitEmpty);
            idleWaiters.clear();
        }
    }
}
