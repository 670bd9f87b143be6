package io.wecomrelay.benchmarks.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time a process has used so far, from {@code /proc/<pid>/stat}: {@code utime + stime} (fields 14
 * and 15, every thread of the process, not its children) in clock ticks, converted with {@code getconf
 * CLK_TCK}. Linux only; the resolution is one tick (10 ms at the usual 100 Hz), so a phase must run
 * long enough for a few hundred ticks.
 */
public final class ProcessCpu {

    private static final double MS_PER_TICK = 1000.0 / clockTicksPerSecond();

    private ProcessCpu() {
    }

    /** CPU milliseconds {@code pid} has used since it started (user + system). */
    public static double millis(long pid) {
        String stat;
        try {
            stat = Files.readString(Path.of("/proc/" + pid + "/stat"), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("no /proc stat for pid " + pid, e);
        }
        // the command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        long utime = Long.parseLong(fields[11]); // field 14
        long stime = Long.parseLong(fields[12]); // field 15
        return (utime + stime) * MS_PER_TICK;
    }

    private static long clockTicksPerSecond() {
        try {
            var process = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            process.waitFor();
            return Long.parseLong(output);
        } catch (IOException | NumberFormatException e) {
            return 100; // USER_HZ on every Linux architecture the project runs on
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }
}
