package io.wecomrelay.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every script of the repository answers {@code --help} with its usage (exit 0) and an unknown option with its usage
 * (exit 2), before it builds, starts or sends anything.
 */
class ScriptUsageTest {

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    static Stream<String> scripts() {
        return Stream.of("run-local.sh", "chat.sh", "bench/run.sh", "bench/codec.sh", "bench/sse.sh", "bench/local-latency.sh", "deploy/k8s/check.sh", ".ci/run");
    }

    @ParameterizedTest
    @MethodSource("scripts")
    @Timeout(60)
    void helpPrintsTheUsage(String script) throws Exception {
        Result help = run(script, "--help");

        assertThat(help.code()).isZero();
        assertThat(help.stdout()).startsWith("usage: ");
    }

    @ParameterizedTest
    @MethodSource("scripts")
    @Timeout(60)
    void anUnknownOptionPrintsTheUsageAndFails(String script) throws Exception {
        Result unknown = run(script, "--no-such-option");

        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.stderr()).contains("unknown option --no-such-option").contains("usage: ");
        assertThat(unknown.stdout()).isEmpty();
    }

    /**
     * Every executable file git tracks, but the Maven wrapper (Maven's own, answering {@code --help} as Maven) and
     * {@code relay}, the relay tool's wrapper: its usage is the tool's own, checked by relay-cli's {@code CliUsageTest}
     * (and the tool's jar is built after this module).
     */
    @Test
    void everyExecutableOfTheRepositoryIsCovered() throws Exception {
        Process git = new ProcessBuilder("git", "ls-files", "-s").directory(ROOT.toFile()).start();
        List<String> executables = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines()
                .filter(line -> line.startsWith("100755 "))
                .map(line -> line.substring(line.indexOf('\t') + 1))
                .filter(path -> !path.equals("mvnw") && !path.equals("relay"))
                .toList();
        assertThat(git.waitFor()).isZero();

        assertThat(executables).isNotEmpty();
        assertThat(scripts().toList()).containsAll(executables);
    }

    private static Result run(String script, String option) throws Exception {
        Process process = new ProcessBuilder("bash", ROOT.resolve(script).toString(), option).directory(ROOT.toFile()).start();
        process.getOutputStream().close();
        String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(process.waitFor(), stdout, stderr);
    }

    private record Result(int code, String stdout, String stderr) {
    }
}
