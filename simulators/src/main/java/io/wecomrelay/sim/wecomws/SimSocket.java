package io.wecomrelay.sim.wecomws;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * One client's WebSocket as the simulator sees it: what it is subscribed as, and its outgoing frames. Frames are
 * written straight to the channel, in the order of the calls, each with its own write future: the simulator can tell
 * whether a frame reached the socket before it closed (a client's close ends the channel at once, and what was not
 * written by then never arrives, as with WeCom).
 */
final class SimSocket {

    private final Sinks.Empty<Void> ended = Sinks.empty();
    private final int number;
    private final Channel channel;
    private volatile @Nullable String botId;
    private volatile boolean open = true;

    SimSocket(int number, Channel channel) {
        this.number = number;
        this.channel = channel;
    }

    int number() {
        return number;
    }

    @Nullable String botId() {
        return botId;
    }

    void subscribedAs(String botId) {
        this.botId = botId;
    }

    boolean open() {
        return open;
    }

    /** Completes when the simulator closes the socket: the connection's handler ends, and the server closes it. */
    Mono<Void> ended() {
        return ended.asMono();
    }

    /** Frames may be sent from the reading thread and from timers at once; one at a time keeps their order. */
    synchronized ChannelFuture send(String frame) {
        if (!open) {
            return channel.newFailedFuture(new IllegalStateException("socket " + number + " is closed"));
        }
        return channel.writeAndFlush(new TextWebSocketFrame(frame));
    }

    /** Ends the connection's handler, which makes the server close the socket after the frames written before. */
    synchronized void close() {
        if (open) {
            open = false;
            ended.tryEmitEmpty();
        }
    }
}
