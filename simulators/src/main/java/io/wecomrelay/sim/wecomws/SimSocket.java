package io.wecomrelay.sim.wecomws;

import java.time.Duration;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/** One client's WebSocket as the simulator sees it: what it is subscribed as, and its outgoing frames. */
final class SimSocket {

    private final Sinks.Many<String> out = Sinks.many().unicast().onBackpressureBuffer();
    private final int number;
    private volatile @Nullable String botId;
    private volatile boolean open = true;

    SimSocket(int number) {
        this.number = number;
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

    Flux<String> outgoing() {
        return out.asFlux();
    }

    /** Frames may be sent from the reading thread and from timers at once; the sink needs them one at a time. */
    synchronized void send(String frame) {
        if (open) {
            out.emitNext(frame, Sinks.EmitFailureHandler.busyLooping(Duration.ofSeconds(1)));
        }
    }

    /** Ends the outgoing side, which makes the server close the socket. */
    synchronized void close() {
        if (open) {
            open = false;
            out.emitComplete(Sinks.EmitFailureHandler.busyLooping(Duration.ofSeconds(1)));
        }
    }
}
