package io.wecomrelay.connector.ownership;

import io.wecomrelay.connector.inbound.InboundRelay;
import io.wecomrelay.connector.reply.BotStreams;
import io.wecomrelay.connector.socket.BotSocket;
import io.wecomrelay.connector.wire.Frame;
import io.wecomrelay.schemas.bot.BotConfig;

/** One owned bot: its socket, its open streams, and where its callbacks go. */
final class BotSession implements BotSocket.Listener {

    private volatile BotConfig bot;
    private final InboundRelay inbound;
    private BotSocket socket;
    private BotStreams streams;

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
        inbound.accept(bot, from, streams, frame);
    }
}
