package io.wecomrelay.benchmarks.suites;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** The floor ratios: each service against the hop of its shape, and all four against the sum of their floors. */
class FloorRatiosTest {

    private static final Map<String, Double> SERVICES_MS = Map.of("ingress", 1.5, "processor", 2.4, "llm-worker", 1.8,
            "responder", 1.4, "kafka broker", 3.0);
    private static final Map<String, Double> SERVICES_CALLS = Map.of("ingress", 30.0, "processor", 60.0, "llm-worker", 40.0,
            "responder", 20.0);

    @Test
    void dividesEachServiceByTheFloorOfItsShapeAndTheSumByTheSumOfTheFloors() {
        var ratios = new FloorRatios(SERVICES_MS, SERVICES_CALLS, Map.of("relay", 0.5, "eos", 0.8, "http", 0.3),
                Map.of("relay", 10.0, "eos", 20.0, "http", 5.0));
        var rows = ratios.rows();

        assertThat(rows).extracting(FloorRatios.Row::service)
                .containsExactly("ingress", "processor", "llm-worker", "responder", "all four services");
        assertThat(rows).extracting(FloorRatios.Row::floor)
                .containsExactly("http", "eos", "relay", "relay", "http + eos + relay + relay");
        assertThat(rows.get(0).cpuRatio()).isCloseTo(5.0, within(1e-9));
        assertThat(rows.get(1).cpuRatio()).isCloseTo(3.0, within(1e-9));
        assertThat(rows.get(3).syscallRatio()).isCloseTo(2.0, within(1e-9));
        var all = rows.get(4);
        assertThat(all.serviceMs()).isCloseTo(7.1, within(1e-9));
        assertThat(all.floorMs()).isCloseTo(2.1, within(1e-9));
        assertThat(all.floorSyscalls()).isCloseTo(45.0, within(1e-9));
        assertThat(all.syscallRatio()).isCloseTo(150.0 / 45.0, within(1e-9));
    }

    @Test
    void ingressFallsBackToTheRelayHopWhenHttpWasNotMeasured() {
        var ratios = new FloorRatios(SERVICES_MS, SERVICES_CALLS, Map.of("relay", 0.5, "eos", 0.8), Map.of());
        assertThat(ratios.floorOf("ingress")).isEqualTo("relay");
        assertThat(ratios.rows().get(0).cpuRatio()).isCloseTo(3.0, within(1e-9));
        assertThat(ratios.rows().get(0).syscallRatio()).as("no perf: no system call ratio").isNaN();
    }

    @Test
    void theTableShowsEachTargetAsAMultipleOfItsFloor() {
        var table = new FloorRatios(SERVICES_MS, Map.of(), Map.of("relay", 0.5, "eos", 1.0, "http", 0.35), Map.of())
                .table("100/s steady", 0.7, 2.0).toString();
        assertThat(table).contains("| ingress ").contains("4.29x") // 1.5 / 0.35
                .contains("2.00x") // the 0.7 ms target over the 0.35 ms http floor
                .contains("0.70x") // the 0.7 ms target under the 1.0 ms eos floor
                .contains("0.85x"); // 2.0 ms over 0.35 + 1.0 + 0.5 + 0.5
    }
}
