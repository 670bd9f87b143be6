package io.wecomrelay.llm.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

class MediaBudgetTest {

    private static final Duration LONG = Duration.ofSeconds(30);
    private final MediaBudget budget = new MediaBudget(100);

    @Test
    void bytesAreHeldWhileTheWorkRunsAndReturnedWhenItCompletes() {
        var work = Sinks.<String>one();
        var result = new AtomicReference<String>();

        budget.holding(60, LONG, work.asMono()).subscribe(result::set);
        assertThat(budget.available()).isEqualTo(40);
        work.tryEmitValue("done");

        assertThat(result).hasValue("done");
        assertThat(budget.available()).isEqualTo(100);
    }

    @Test
    void aRequestThatDoesNotFitWaitsForReleasedBytesInArrivalOrder() {
        var first = Sinks.<String>one();
        var started = new StringBuilder();
        budget.holding(70, LONG, first.asMono()).subscribe();
        var big = Sinks.<String>one();
        budget.holding(90, LONG, Mono.defer(() -> {
            started.append("big ");
            return big.asMono();
        })).subscribe();
        budget.holding(20, LONG, Mono.fromSupplier(() -> started.append("small ").toString())).subscribe();

        assertThat(started).as("the small one fits but does not overtake the big one").isEmpty();
        first.tryEmitValue("done");
        assertThat(started).hasToString("big ");
        big.tryEmitValue("done");

        assertThat(started).hasToString("big small ");
        assertThat(budget.available()).isEqualTo(100);
    }

    @Test
    void aRequestThatGetsNoRoomInTimeFailsAndLeavesTheBudgetAlone() {
        var holder = Sinks.<String>one();
        budget.holding(80, LONG, holder.asMono()).subscribe();

        var error = budget.holding(30, Duration.ofMillis(50), Mono.just("never")).map(Object.class::cast)
                .onErrorResume(Mono::just).block(Duration.ofSeconds(10));

        assertThat(error).isInstanceOfSatisfying(MediaFailure.class,
                failure -> assertThat(failure.reason()).isEqualTo(MediaFailure.Reason.BUDGET));
        assertThat(budget.available()).isEqualTo(20);
        holder.tryEmitValue("done");
        assertThat(budget.available()).isEqualTo(100);
    }

    @Test
    void failedAndCancelledWorkAndCancelledWaitersGiveEverythingBack() {
        budget.holding(50, LONG, Mono.error(new IllegalStateException("boom"))).subscribe(v -> { }, e -> { });
        assertThat(budget.available()).isEqualTo(100);

        Disposable running = budget.holding(90, LONG, Mono.never()).subscribe();
        Disposable waiting = budget.holding(40, LONG, Mono.never()).subscribe();
        var after = new AtomicReference<String>();
        budget.holding(100, LONG, Mono.just("served")).subscribe(after::set);
        assertThat(budget.available()).isEqualTo(10);

        waiting.dispose();
        running.dispose();

        assertThat(after).as("the waiter behind the cancelled ones is served").hasValue("served");
        assertThat(budget.available()).isEqualTo(100);
    }

    @Test
    void aReservationIsCappedAtTheWholeBudget() {
        assertThat(budget.holding(500, LONG, Mono.fromSupplier(budget::available)).block()).isZero();
        assertThat(budget.available()).isEqualTo(100);
    }
}
