package io.wecomrelay.benchmarks.suites;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.wecomrelay.benchmarks.Table;

/**
 * Each service's steady figures as multiples of the floor hop of its shape, measured in the same run (issue 22): a
 * ratio moves less with the shared machine's speed than the figures do. ingress is compared with the http hop (the
 * relay hop when http was not measured), the processor with eos, llm-worker and the responder with relay; "all four
 * services" with the sum of the four floors. Also without the JIT compiler's CPU on either side: a floor hop is a
 * minute old, so its C2 compiler is still busy, while the services' has mostly finished. A figure that was not
 * measured (no perf: no system calls) is NaN and prints as "-".
 */
record FloorRatios(Map<String, Figures> services, Map<String, Figures> floors) {

    static final Map<String, String> SHAPES = shapes();
    static final String ALL = "all four services";

    /** Per message: CPU ms, of it the JIT compiler's, and system calls (NaN when not counted). */
    record Figures(double cpuMs, double jitMs, double syscalls) {

        static final Figures NONE = new Figures(Double.NaN, Double.NaN, Double.NaN);

        double withoutJitMs() {
            return cpuMs - jitMs;
        }

        Figures plus(Figures other) {
            return new Figures(cpuMs + other.cpuMs, jitMs + other.jitMs, syscalls + other.syscalls);
        }
    }

    /** One line of the ratio table. */
    record Row(String service, String floor, Figures figures, Figures floorFigures) {

        double cpuRatio() {
            return figures.cpuMs() / floorFigures.cpuMs();
        }

        double withoutJitRatio() {
            return figures.withoutJitMs() / floorFigures.withoutJitMs();
        }

        double syscallRatio() {
            return figures.syscalls() / floorFigures.syscalls();
        }
    }

    /** The floor hop {@code service} is compared with, given the hops measured. */
    String floorOf(String service) {
        String shape = SHAPES.get(service);
        if (shape == null) {
            throw new IllegalArgumentException("no floor shape for " + service);
        }
        return floors.containsKey(shape) ? shape : "relay";
    }

    List<Row> rows() {
        var rows = new ArrayList<Row>();
        var floorNames = new ArrayList<String>();
        var sum = new Figures(0, 0, 0);
        var floorSum = new Figures(0, 0, 0);
        for (String service : SHAPES.keySet()) {
            String floor = floorOf(service);
            floorNames.add(floor);
            var row = new Row(service, floor, services.getOrDefault(service, Figures.NONE), floors.getOrDefault(floor, Figures.NONE));
            rows.add(row);
            sum = sum.plus(row.figures());
            floorSum = floorSum.plus(row.floorFigures());
        }
        rows.add(new Row(ALL, String.join(" + ", floorNames), sum, floorSum));
        return rows;
    }

    /** The table: figures, ratios, and each target as a multiple of the floor (below 1x: under the platform's floor). */
    Table table(String label, double targetEachMs, double targetAllMs) {
        var table = new Table("cpu-floor-ratios: " + label + " figures / the floor hop of the same shape, same run",
                "service", "floor hop", "CPU ms / message", "floor ms / message", "x floor", "without JIT: ms",
                "floor ms", "x floor", "target", "target x floor", "syscalls / message", "floor syscalls", "x floor");
        for (Row row : rows()) {
            double target = row.service().equals(ALL) ? targetAllMs : targetEachMs;
            table.row(row.service(), row.floor(), row.figures().cpuMs(), row.floorFigures().cpuMs(), Table.ratio(row.cpuRatio()),
                    row.figures().withoutJitMs(), row.floorFigures().withoutJitMs(), Table.ratio(row.withoutJitRatio()),
                    "<= " + target + " ms", Table.ratio(target / row.floorFigures().withoutJitMs()), row.figures().syscalls(),
                    row.floorFigures().syscalls(), Table.ratio(row.syscallRatio()));
        }
        return table.note("x floor = the service's figure / the floor hop's, both from this run; \"without JIT\" leaves out "
                + "the C1/C2 compiler threads' CPU on both sides. target x floor = the issue 22 target / the floor hop's CPU "
                + "without JIT: at or below 1x the target asks for less than a hop that does nothing but the same client "
                + "calls costs here. Floor system calls are counted on every thread of the hop's JVM, as the services' "
                + "\"all threads\" rows.");
    }

    private static Map<String, String> shapes() {
        var shapes = new LinkedHashMap<String, String>();
        shapes.put("ingress", "http");
        shapes.put("processor", "eos");
        shapes.put("llm-worker", "relay");
        shapes.put("responder", "relay");
        return java.util.Collections.unmodifiableMap(shapes);
    }
}
