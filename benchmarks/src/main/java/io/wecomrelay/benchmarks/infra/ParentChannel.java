package io.wecomrelay.benchmarks.infra;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The line a benchmark child process writes to its standard output for the harness that started it
 * (e.g. {@code LISTENING <port>}). This is a protocol between processes, not logging: logs go through
 * SLF4J to standard error.
 */
public final class ParentChannel {

    private static final PrintStream STDOUT =
            new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);

    private ParentChannel() {
    }

    /** Writes one line and flushes it, so the parent can read it at once. */
    public static void announce(String line) {
        STDOUT.println(line);
        STDOUT.flush();
    }
}
