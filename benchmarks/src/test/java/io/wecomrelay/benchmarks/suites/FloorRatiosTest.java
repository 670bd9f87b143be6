package io.wecomrelay.benchmarks.suites;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;

import io.wecomrelay.benchmarks.suites.FloorRatios.Figures;
import org.junit.jupiter.api.Test;

/** The floor ratios: each service against the hop of its shape, and all four against the sum of their floors. */
class FloorRatiosTest {

    private static final Map<String, Figures> SERVICES = Map.of("ingress", new Figures(1.5, 0.5, 30),
            "processor", new Figures(2.4, 0.4, 60), "llm-worker", new Figures(1.8, 0.3, 40),
            "responder", new Figures(1.4, 0.2, 20), "kafka broker", new Figures(3.0, 0.1, 99));

    @Test
    void dividesEachServiceByTheFloorOfItsShapeAndTheSumByTheSumOfTheFloors() {
        var ratios = new FloorRatios(SERVICES, Map.of("relay", new Figures(0.5, 0.1, 10), "eos", new Figures(0.8, 0.3, 20),
                "http", new Figures(0.3, 0.1, 5)));
        var rows = ratios.rows();

        assertThat(rows).extracting(FloorRatios.Row::service)
                .containsExactly("ingress", "processor", "llm-worker", "responder", "all four services");
        assertThat(rows).extracting(FloorRatios.Row::floor)
                .containsExactly("http", "eos", "relay", "relay", "http + eos + relay + relay");
        assertThat(rows.get(0).cpuRatio()).isCloseTo(5.0, within(1e-9));
        assertThat(rows.get(0).withoutJitRatio()).as("(1.5 - 0.5) / (0.3 - 0.1)").isCloseTo(5.0, within(1e-9));
        assertThat(rows.get(1).cpuRatio()).isCloseTo(3.0, within(1e-9));
        assertThat(rows.get(1).withoutJitRatio()).as("(2.4 - 0.4) / (0.8 - 0.3)").isCloseTo(4.0, within(1e-9));
        assertThat(rows.get(3).syscallRatio()).isCloseTo(2.0, within(1e-9));
        var all = rows.get(4);
        assertThat(all.figures().cpuMs()).isCloseTo(7.1, within(1e-9));
        assertThat(all.floorFigures().cpuMs()).isCloseTo(2.1, within(1e-9));
        assertThat(all.floorFigures().withoutJitMs()).isCloseTo(1.5, within(1e-9));
        assertThat(all.floorFigures().syscalls()).isCloseTo(45.0, within(1e-9));
        assertThat(all.syscallRatio()).isCloseTo(150.0 / 45.0, within(1e-9));
    }

    @Test
    void ingressFallsBackToTheRelayHopWhenHttpWasNotMeasured() {
        var ratios = new FloorRatios(SERVICES, Map.of("relay", new Figures(0.5, 0.1, Double.NaN),
                "eos", new Figures(0.8, 0.3, Double.NaN)));
        assertThat(ratios.floorOf("ingress")).isEqualTo("relay");
        assertThat(ratios.rows().get(0).cpuRatio()).isCloseTo(3.0, within(1e-9));
        assertThat(ratios.rows().get(0).syscallRatio()).as("no perf: no system call ratio").isNaN();
    }

    @Test
    void theTableShowsEachTargetAsAMultipleOfItsFloorWithoutJit() {
        var table = new FloorRatios(SERVICES, Map.of("relay", new Figures(0.6, 0.1, 10), "eos", new Figures(1.2, 0.2, 20),
                "http", new Figures(0.45, 0.1, 5))).table("100/s steady", 0.7, 2.0).toString();
        assertThat(table).contains("| ingress ")
                .contains("2.00x") // the 0.7 ms target over the http floor's 0.35 ms without JIT
                .contains("0.70x") // the 0.7 ms target under the eos floor's 1.0 ms without JIT
                .contains("0.85x"); // 2.0 ms over 0.35 + 1.0 + 0.5 + 0.5
    }
}
