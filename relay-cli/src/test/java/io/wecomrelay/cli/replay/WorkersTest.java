package io.wecomrelay.cli.replay;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The replay's threads: results in the order the pieces were given, whichever finishes first; a failure fails all. */
class WorkersTest {

    @Test
    void resultsComeInTheOrderGivenAndPiecesRunAtTheSameTime() {
        var bothRunning = new CountDownLatch(2);
        var pieces = new ArrayList<Callable<String>>();
        pieces.add(() -> {
            bothRunning.countDown();
            // the first piece finishes last: only after the second one has started
            assertThat(bothRunning.await(10, TimeUnit.SECONDS)).isTrue();
            Thread.sleep(50);
            return "partition 0";
        });
        pieces.add(() -> {
            bothRunning.countDown();
            return "partition 1";
        });

        try (var workers = new Workers(2)) {
            assertThat(workers.all(pieces)).containsExactly("partition 0", "partition 1");
        }
    }

    @Test
    void aFailingPieceFailsTheWholeWithItsOwnException() {
        List<Callable<String>> pieces = List.of(() -> "fine", () -> {
            throw new IllegalStateException("broken partition");
        });

        try (var workers = new Workers(1)) {
            assertThatThrownBy(() -> workers.all(pieces)).isInstanceOf(IllegalStateException.class)
                    .hasMessage("broken partition");
        }
    }
}
