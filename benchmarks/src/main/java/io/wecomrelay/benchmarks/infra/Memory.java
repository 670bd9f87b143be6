package io.wecomrelay.benchmarks.infra;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JVM's memory at one moment: heap used, the same after a full collection ({@code jcmd <pid> GC.run}, so what is
 * live), and the process's RSS ({@code VmRSS}).
 */
public record Memory(double heapMb, double heapAfterGcMb, double rssMb) {

    private static final Pattern HEAP_USED = Pattern.compile("heap\\s+total \\d+K, used (\\d+)K");

    /** Any JVM the harness started, heap read with {@code jcmd <pid> GC.heap_info} (G1's summary line). */
    public static Memory of(ChildProcess process) throws Exception {
        double heap = heapUsedMb(process.pid());
        double rss = process.rssKiB() / 1024.0;
        Actuator.fullGc(process.pid());
        return new Memory(heap, heapUsedMb(process.pid()), rss);
    }

    private static double heapUsedMb(long pid) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        var process = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.heap_info").redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        Matcher used = HEAP_USED.matcher(output);
        return used.find() ? Long.parseLong(used.group(1)) / 1024.0 : Double.NaN;
    }

    /** A service, heap read from its actuator ({@code jvm.memory.used?tag=area:heap}). */
    public static Memory of(BenchStack.Service service) throws Exception {
        double heap = Actuator.metric(service.managementUrl(), "jvm.memory.used", "area:heap") / 1048576;
        double rss = service.process().rssKiB() / 1024.0;
        Actuator.fullGc(service.process().pid());
        Thread.sleep(500);
        double afterGc = Actuator.metric(service.managementUrl(), "jvm.memory.used", "area:heap") / 1048576;
        return new Memory(heap, afterGc, rss);
    }

    /** Live heap per unit above {@code idle}, KB. */
    public double liveHeapKbPer(Memory idle, double units) {
        return (heapAfterGcMb - idle.heapAfterGcMb) * 1024 / Math.max(1, units);
    }

    /** RSS per unit above {@code idle}, KB. */
    public double rssKbPer(Memory idle, double units) {
        return (rssMb - idle.rssMb) * 1024 / Math.max(1, units);
    }
}
