package io.wecomrelay.devstack;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code ./run-local.sh} as {@link StopWhileStartingTest} runs it in a JVM of its own: on free ports, against the
 * test JVM's broker and Redis. Arguments: root, work dir, Kafka bootstrap servers, Redis URL.
 */
public final class StackProcessMain {

    private StackProcessMain() {
    }

    public static void main(String[] args) throws Exception {
        var settings = new StackSettings(Path.of(args[0]), Path.of(args[1]), null, Map.of(), new FreePorts(), args[2], args[3],
                null, null, 0, 0, null, 0, Map.of(), true);
        DevStack.run(new PrintStream(System.out, true, StandardCharsets.UTF_8), settings, false);
    }
}
