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

    /** What a JVM's threads did, by their kind. */
    public enum Kind {
        /** the JIT compilers ({@code C1/C2 CompilerThread}) */
        JIT,
        /** the collector and the VM thread that runs its safepoints ({@code GC Thread}, {@code G1 ...}, {@code VM Thread}) */
        GC,
        /** everything else: the application's threads, the libraries' and the JVM's small ones */
        OTHER;

        /** By the thread's name as the kernel has it ({@code comm}, at most 15 characters), or its thread group. */
        static Kind of(String comm) {
            if (comm.startsWith("C1 Compiler") || comm.startsWith("C2 Compiler")) {
                return JIT;
            }
            if (comm.startsWith("GC Thread") || comm.startsWith("G1 ") || comm.equals("VM Thread")) {
                return GC;
            }
            return OTHER;
        }
    }

    /** CPU milliseconds {@code pid} has used since it started (user + system), every thread that ever ran. */
    public static double millis(long pid) {
        return ticks(Path.of("/proc/" + pid + "/stat")) * MS_PER_TICK;
    }

    /** utime + stime of one {@code stat} file (a process's or a thread's), in clock ticks. */
    static long ticks(Path stat) {
        String line;
        try {
            line = Files.readString(stat, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + stat, e);
        }
        // the command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'
        String[] fields = line.substring(line.lastIndexOf(')') + 2).trim().split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // fields 14 and 15: utime, stime
    }

    /** Milliseconds per clock tick of {@code /proc}'s CPU times. */
    static double msPerTick() {
        return MS_PER_TICK;
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
