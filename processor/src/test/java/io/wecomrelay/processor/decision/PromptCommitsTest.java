package io.wecomrelay.processor.decision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class PromptCommitsTest {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final PromptCommits commits = PromptCommits.afterQuiet(Duration.ofMillis(50), nanos::get);

    @Test
    void theFirstDecisionOfAThreadCommitsAtOnce() {
        assertThat(commits.commitNow()).isTrue();
    }

    @Test
    void decisionsCloserThanTheQuietSpellWaitForTheIntervalAndTheFirstAfterOneCommitsAtOnce() {
        commits.commitNow();
        nanos.addAndGet(Duration.ofMillis(49).toNanos());
        assertThat(commits.commitNow()).as("49 ms after the last").isFalse();
        nanos.addAndGet(Duration.ofMillis(49).toNanos());
        assertThat(commits.commitNow()).as("a steady trickle is never quiet").isFalse();
        nanos.addAndGet(Duration.ofMillis(50).toNanos());
        assertThat(commits.commitNow()).as("after 50 ms without a decision").isTrue();
        assertThat(commits.commitNow()).as("right after that one").isFalse();
    }

    @Test
    void eachStreamThreadHasItsOwnQuietSpell() throws Exception {
        commits.commitNow();
        // a commit commits the asking thread's transaction only: another thread's decision is its own first
        assertThat(CompletableFuture.supplyAsync(commits::commitNow).get()).isTrue();
        assertThat(commits.commitNow()).isFalse();
    }

    @Test
    void neverAsksWhenOff() {
        assertThat(PromptCommits.NEVER.commitNow()).isFalse();
    }

    @Test
    void theQuietSpellMustBePositive() {
        assertThatThrownBy(() -> PromptCommits.afterQuiet(Duration.ZERO, nanos::get))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
