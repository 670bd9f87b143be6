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
 * services" with the sum of the four floors. A figure that was not measured (no perf: no system calls) is NaN and
 * prints as "-".
 */
record FloorRatios(Map<String, Double> serviceMs, Map<String, Double> serviceSyscalls, Map<String, Double> floorMs,
                   Map<String, Double> floorSyscalls) {

    static final Map<String, String> SHAPES = shapes();
    static final String ALL = "all four services";

    /** One line of the ratio table. */
    record Row(String service, String floor, double serviceMs, double floorMs, double serviceSyscalls, double floorSyscalls) {

        double cpuRatio() {
            return serviceMs / floorMs;
        }

        double syscallRatio() {
            return serviceSyscalls / floorSyscalls;
        }
    }

    /** The floor hop {@code service} is compared with, given the hops measured. */
    String floorOf(String service) {
        String shape = SHAPES.get(service);
        if (shape == null) {
            throw new IllegalArgumentException("no floor shape for " + service);
        }
        return floorMs.containsKey(shape) ? shape : "relay";
    }

    List<Row> rows() {
        var rows = new ArrayList<Row>();
        double[] sums = new double[4];
        var floors = new ArrayList<String>();
        for (String service : SHAPES.keySet()) {
            String floor = floorOf(service);
            floors.add(floor);
            var row = new Row(service, floor, value(serviceMs, service), value(floorMs, floor),
                    value(serviceSyscalls, service), value(floorSyscalls, floor));
            rows.add(row);
            sums[0] += row.serviceMs();
            sums[1] += row.floorMs();
            sums[2] += row.serviceSyscalls();
            sums[3] += row.floorSyscalls();
        }
        rows.add(new Row(ALL, String.join(" + ", floors), sums[0], sums[1], sums[2], sums[3]));
        return rows;
    }

    /** The table: figures, ratios, and each target as a multiple of the floor (below 1x: under the platform's floor). */
    Table table(String label, double targetEachMs, double targetAllMs) {
        var table = new Table("cpu-floor-ratios: " + label + " figures / the floor hop of the same shape, same run",
                "service", "floor hop", "CPU ms / message", "floor ms / message", "x floor", "target", "target x floor",
                "syscalls / message", "floor syscalls / message", "syscalls x floor");
        for (Row row : rows()) {
            double target = row.service().equals(ALL) ? targetAllMs : targetEachMs;
            table.row(row.service(), row.floor(), row.serviceMs(), row.floorMs(), Table.ratio(row.cpuRatio()),
                    "<= " + target + " ms", Table.ratio(target / row.floorMs()), row.serviceSyscalls(), row.floorSyscalls(),
                    Table.ratio(row.syscallRatio()));
        }
        return table.note("x floor = the service's figure / the floor hop's, both from this run. target x floor = the "
                + "issue 22 target / the floor hop's CPU: at or below 1x the target asks for less than a hop that does "
                + "nothing but the same client calls costs here. Floor system calls are counted on every thread of the "
                + "hop's JVM, as the services' \"all threads\" rows.");
    }

    private static double value(Map<String, Double> figures, String name) {
        return figures.getOrDefault(name, Double.NaN);
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
