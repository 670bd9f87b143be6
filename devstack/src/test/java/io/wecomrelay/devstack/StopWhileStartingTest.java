package io.wecomrelay.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.wecomrelay.testkit.TestInfrastructure;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Stopping {@code ./run-local.sh} while it is still starting stops every JVM it started (issue 20: they used to run
 * on without a parent). The launcher runs in a JVM of its own and gets SIGTERM as soon as its service JVMs exist,
 * long before the stack is healthy. The bound is the test's timeout.
 */
class StopWhileStartingTest {

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final Path WORK_DIR = ROOT.resolve("devstack/target/stop-while-starting");

    private final List<ProcessHandle> started = new ArrayList<>();

    @Test
    @Timeout(180)
    void sigtermDuringTheStartStopsEveryServiceJvm() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process launcher = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                StackProcessMain.class.getName(), ROOT.toString(), WORK_DIR.toString(),
                TestInfrastructure.kafkaBootstrapServers(), TestInfrastructure.redisUrl())
                .redirectErrorStream(true).redirectOutput(WORK_DIR.resolveSibling("stop-while-starting.log").toFile()).start();
        started.add(launcher.toHandle());

        // every service JVM exists (so none can escape this test's cleanup), none is healthy yet
        while (serviceJvms(launcher).size() < Service.values().length) {
            assertThat(launcher.isAlive()).as("the launcher runs until its service JVMs exist").isTrue();
            Thread.sleep(20);
        }
        started.addAll(launcher.descendants().toList());
        launcher.destroy();   // SIGTERM, as Ctrl-C or a plain kill

        assertThat(launcher.waitFor()).as("exit code of a SIGTERM the launcher handled").isEqualTo(143);
        for (ProcessHandle process : started) {
            process.onExit().get();
        }
        assertThat(started).noneMatch(ProcessHandle::isAlive);
    }

    @AfterEach
    void killLeftovers() throws Exception {
        for (ProcessHandle process : started) {
            process.destroyForcibly();
            process.onExit().get(10, TimeUnit.SECONDS);
        }
    }

    private static List<ProcessHandle> serviceJvms(Process launcher) {
        return launcher.descendants()
                .filter(process -> process.info().commandLine().orElse("").contains("-exec.jar"))
                .toList();
    }
}
