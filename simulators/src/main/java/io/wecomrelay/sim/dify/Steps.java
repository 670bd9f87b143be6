package io.wecomrelay.sim.dify;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.node.ObjectNode;

/**
 * Timed building blocks of a stream script. Waiting uses Reactor's timers, so an idle stream costs
 * a scheduled task, not a thread. Events are built lazily, when they are due.
 */
final class Steps {

    private final SseEncoder sse;
    private final Duration deltaDelay;
    private final Duration pingInterval;

    Steps(SseEncoder sse, StreamSettings settings) {
        this.sse = sse;
        this.deltaDelay = settings.deltaDelay();
        this.pingInterval = settings.pingInterval();
    }

    /** One event per part, each after the delta delay. */
    Flux<byte[]> deltas(List<String> parts, Function<String, ObjectNode> toEvent) {
        return Flux.fromIterable(parts).concatMap(part -> later(() -> toEvent.apply(part)));
    }

    /** The event after the delta delay. */
    Mono<byte[]> later(Supplier<ObjectNode> event) {
        return Mono.delay(deltaDelay).map(tick -> sse.data(event.get()));
    }

    /** After the delta delay, the event's frame without its last {@code cut} bytes of JSON, never finished. */
    Mono<byte[]> unfinished(Supplier<ObjectNode> event, int cut) {
        return Mono.delay(deltaDelay).map(tick -> sse.unfinished(event.get(), cut));
    }

    /** The event at once. */
    Mono<byte[]> now(Supplier<ObjectNode> event) {
        return Mono.fromSupplier(() -> sse.data(event.get()));
    }

    /** Pings every ping interval until {@code total} has passed. */
    Flux<byte[]> pingsFor(Duration total) {
        return pingsForever().take(total);
    }

    /** The same bytes after every delta delay, until the subscriber leaves. */
    Flux<byte[]> forever(byte[] piece) {
        return Mono.delay(deltaDelay).thenReturn(piece).repeat();
    }

    Flux<byte[]> pingsForever() {
        return Flux.interval(pingInterval).map(tick -> SseEncoder.PING);
    }
}
