package io.wecomrelay.benchmarks.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Thread groups, a snapshot of a synthetic {@code /proc/<pid>/task}, what groups did between two snapshots, and the
 * JIT and GC threads' time of a snapshot.
 */
class ThreadStatsTest {

    private static final double MS_PER_TICK = ProcessCpu.msPerTick();

    @TempDir
    Path tasks;

    @Test
    void aGroupIsTheThreadNameWithoutItsTrailingNumber() {
        assertThat(ThreadStats.group("reactor-http-epoll-3")).isEqualTo("reactor-http-epoll");
        assertThat(ThreadStats.group("GC Thread#0")).isEqualTo("GC Thread");
        assertThat(ThreadStats.group("pool-2-thread-14")).as("only the trailing numbers").isEqualTo("pool-2-thread");
        assertThat(ThreadStats.group("kafka-producer-network-thread | producer-1"))
                .isEqualTo("kafka-producer-network-thread | producer");
        assertThat(ThreadStats.group("C2 CompilerThre")).isEqualTo("C2 CompilerThre");
        assertThat(ThreadStats.group("VM Thread")).isEqualTo("VM Thread");
        assertThat(ThreadStats.group("42")).as("nothing but a number stays itself").isEqualTo("42");
    }

    @Test
    void aSnapshotReadsEveryThreadsGroupCpuAndSwitches() throws IOException {
        thread("101", "reactor-http-epoll-1", 30, 10, 500, 7);
        thread("102", "reactor-http-epoll-2", 5, 5, 20, 1);
        // a name with spaces and a parenthesis: the stat fields are counted after the last ')'
        thread("103", "odd (name) 9", 1, 2, 3, 4);
        // a thread that ended while it was read: its status is gone, it is left out
        Files.createDirectories(tasks.resolve("104"));
        Files.writeString(tasks.resolve("104").resolve("comm"), "main\n");

        var snapshot = ThreadStats.snapshot(tasks);

        assertThat(snapshot).containsOnlyKeys("101", "102", "103");
        assertThat(snapshot.get("101")).isEqualTo(new ThreadStats.Sample("reactor-http-epoll", 40 * MS_PER_TICK, 500, 7));
        assertThat(snapshot.get("102").group()).isEqualTo("reactor-http-epoll");
        assertThat(snapshot.get("103")).isEqualTo(new ThreadStats.Sample("odd (name)", 3 * MS_PER_TICK, 3, 4));
    }

    @Test
    void betweenTwoSnapshotsGroupsSumTheirThreadsANewThreadCountsWholeAnEndedOneIsMissing() {
        var start = Map.of(
                "1", new ThreadStats.Sample("reactor-http-epoll", 100, 10, 1),
                "2", new ThreadStats.Sample("reactor-http-epoll", 50, 5, 0),
                "3", new ThreadStats.Sample("kafka-producer-network-thread | producer", 70, 7, 0),
                "4", new ThreadStats.Sample("boundedElastic", 500, 40, 3));
        var end = Map.of(
                "1", new ThreadStats.Sample("reactor-http-epoll", 130, 25, 2),
                "2", new ThreadStats.Sample("reactor-http-epoll", 60, 9, 0),
                "3", new ThreadStats.Sample("kafka-producer-network-thread | producer", 75, 8, 1),
                "5", new ThreadStats.Sample("boundedElastic", 20, 2, 0));

        var groups = ThreadStats.between(start, end);

        assertThat(groups).containsOnlyKeys("reactor-http-epoll", "kafka-producer-network-thread | producer",
                "boundedElastic");
        assertUse(groups.get("reactor-http-epoll"), 40, 19, 1, 2);
        assertUse(groups.get("kafka-producer-network-thread | producer"), 5, 1, 1, 1);
        assertUse(groups.get("boundedElastic"), 20, 2, 0, 1);
        assertThat(groups.values().stream().reduce(ThreadStats.Use.NONE, ThreadStats.Use::plus).threads()).isEqualTo(4);
    }

    @Test
    void theJitAndGcColumnsComeFromTheSnapshotsGroups() {
        var snapshot = Map.of(
                "1", new ThreadStats.Sample(ThreadStats.group("C2 CompilerThre"), 400, 0, 0),
                "2", new ThreadStats.Sample(ThreadStats.group("C1 CompilerThre"), 100, 0, 0),
                "3", new ThreadStats.Sample(ThreadStats.group("GC Thread#0"), 30, 0, 0),
                "4", new ThreadStats.Sample(ThreadStats.group("G1 Conc#0"), 20, 0, 0),
                "5", new ThreadStats.Sample(ThreadStats.group("VM Thread"), 5, 0, 0),
                "6", new ThreadStats.Sample(ThreadStats.group("reactor-http-epoll-1"), 900, 0, 0));

        assertThat(ThreadStats.millis(snapshot, ProcessCpu.Kind.JIT)).isEqualTo(500);
        assertThat(ThreadStats.millis(snapshot, ProcessCpu.Kind.GC)).isEqualTo(55);
        assertThat(ThreadStats.millis(snapshot, ProcessCpu.Kind.OTHER)).isEqualTo(900);
    }

    private static void assertUse(ThreadStats.Use use, double cpuMs, long voluntary, long involuntary, int threads) {
        assertThat(use.cpuMs()).isCloseTo(cpuMs, within(1e-9));
        assertThat(use.voluntary()).isEqualTo(voluntary);
        assertThat(use.involuntary()).isEqualTo(involuntary);
        assertThat(use.threads()).isEqualTo(threads);
    }

    /** One task directory as the kernel writes it: comm (the name), stat (utime, stime) and status (switches). */
    private void thread(String tid, String comm, long utime, long stime, long voluntary, long involuntary)
            throws IOException {
        Path task = Files.createDirectories(tasks.resolve(tid));
        Files.writeString(task.resolve("comm"), comm + "\n");
        // fields 3 to 13, then utime (14) and stime (15), then the rest
        Files.writeString(task.resolve("stat"), tid + " (" + comm + ") S 1 1 1 0 -1 4194560 100 0 0 0 "
                + utime + " " + stime + " 0 0 20 0 30 0 12345\n");
        Files.writeString(task.resolve("status"), "Name:\t" + comm + "\nState:\tS (sleeping)\n"
                + "voluntary_ctxt_switches:\t" + voluntary + "\nnonvoluntary_ctxt_switches:\t" + involuntary + "\n");
    }
}
