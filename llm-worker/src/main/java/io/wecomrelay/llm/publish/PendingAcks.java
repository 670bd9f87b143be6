package io.wecomrelay.llm.publish;

import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import reactor.core.publisher.Mono;

/**
 * The Kafka acknowledgements of one attempt's chunks that are not known to have succeeded yet.
 * Chunks are added one at a time; acknowledgements complete on the producer's thread.
 */
final class PendingAcks {

    private final Queue<CompletableFuture<?>> pending = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean anySucceeded = new AtomicBoolean();

    void add(CompletableFuture<?> ack) {
        pending.removeIf(PendingAcks::succeeded);
        pending.add(ack);
        ack.thenRun(() -> anySucceeded.set(true));
    }

    /** True once some chunk added was acknowledged. */
    boolean anySucceeded() {
        return anySucceeded.get();
    }

    /** Fails when an acknowledgement has already failed; otherwise completes at once. */
    Mono<Void> failure() {
        for (CompletableFuture<?> ack : pending) {
            if (ack.isCompletedExceptionally()) {
                return Mono.fromFuture(ack, true).then();
            }
        }
        return Mono.empty();
    }

    /** Completes when every chunk added so far is acknowledged; fails when one of them failed. */
    Mono<Void> all() {
        CompletableFuture<?>[] acks = pending.toArray(CompletableFuture[]::new);
        return acks.length == 0 ? Mono.empty() : Mono.fromFuture(CompletableFuture.allOf(acks), true);
    }

    private static boolean succeeded(CompletableFuture<?> ack) {
        return ack.isDone() && !ack.isCompletedExceptionally();
    }
}
