package io.wecomrelay.benchmarks.suites;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/** {@code BENCH_PIPELINE_SETTLE}: the wait before one message at a time, none unless set. */
class PipelineBenchTest {

    @Test
    void noWaitUnlessSet() {
        assertThat(PipelineBench.settle(null)).isZero();
        assertThat(PipelineBench.settle(" ")).isZero();
    }

    @Test
    void readsWholeSeconds() {
        assertThat(PipelineBench.settle(" 60 ")).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void refusesANegativeWait() {
        assertThatThrownBy(() -> PipelineBench.settle("-1")).isInstanceOf(IllegalArgumentException.class);
    }
}
