package io.wecomrelay.processor.decision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

class PromptCommitsTest {

    private static final long T0 = 1_780_000_000_000L;

    private final PromptCommits commits = PromptCommits.afterQuiet(Duration.ofMillis(50));

    @Test
    void theFirstDecisionOfAThreadCommitsAtOnce() {
        assertThat(commits.commitNow(T0)).isTrue();
    }

    @Test
    void messagesCloserThanTheQuietSpellWaitForTheIntervalAndTheFirstAfterOneCommitsAtOnce() {
        commits.commitNow(T0);
        assertThat(commits.commitNow(T0 + 49)).as("49 ms after the last").isFalse();
        assertThat(commits.commitNow(T0 + 98)).as("a steady trickle is never quiet").isFalse();
        assertThat(commits.commitNow(T0 + 148)).as("50 ms after the last message").isTrue();
        assertThat(commits.commitNow(T0 + 148)).as("one that came with it").isFalse();
    }

    @Test
    void messagesThatCameTogetherAreNotQuietHoweverLateTheyAreDecided() {
        // record time is when ingress received a message: a pause of the thread (its own commit) is no quiet spell
        commits.commitNow(T0);
        assertThat(commits.commitNow(T0 + 10)).isFalse();
        assertThat(commits.commitNow(T0 + 20)).isFalse();
    }

    @Test
    void aMessageOlderThanOneDecidedBeforeIsNotAfterAQuietSpell() {
        commits.commitNow(T0 + 1_000);
        assertThat(commits.commitNow(T0)).as("another partition's, or a late retry").isFalse();
        assertThat(commits.commitNow(T0 + 1_040)).as("measured from the latest, not the last").isFalse();
    }

    @Test
    void eachStreamThreadHasItsOwnQuietSpell() throws Exception {
        commits.commitNow(T0);
        // a commit commits the asking thread's transaction only: another thread's first decision is its own
        assertThat(CompletableFuture.supplyAsync(() -> commits.commitNow(T0 + 1)).get()).isTrue();
        assertThat(commits.commitNow(T0 + 2)).isFalse();
    }

    @Test
    void neverAsksWhenOff() {
        assertThat(PromptCommits.NEVER.commitNow(T0)).isFalse();
    }

    @Test
    void theQuietSpellMustBePositive() {
        assertThatThrownBy(() -> PromptCommits.afterQuiet(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }
}
