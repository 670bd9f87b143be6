package io.wecomrelay.testkit.internal;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Kafka's storage formatter prints two lines of broker internals straight to {@code System.out} when the in-JVM
 * broker starts ({@code Bootstrap metadata: ...}, {@code Formatting metadata directory ...}); the local stack's
 * console should show only our own lines. While {@link #run} runs, those lines are dropped and every other line
 * goes through unchanged.
 */
public final class BrokerInternalsFilter extends OutputStream {

    static final List<String> DROPPED = List.of("Bootstrap metadata:", "Formatting metadata directory");

    private final PrintStream target;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    BrokerInternalsFilter(PrintStream target) {
        this.target = target;
    }

    /** Runs {@code action} with those lines left out of {@code System.out}. */
    public static void run(Runnable action) {
        PrintStream original = System.out;
        var filter = new BrokerInternalsFilter(original);
        System.setOut(new PrintStream(filter, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setOut(original);
            filter.finish();
        }
    }

    @Override
    public synchronized void write(int b) {
        line.write(b);
        if (b == '\n') {
            emitLine();
        }
    }

    /** A PrintStream flushes after every piece of a line it writes: only whole lines can be judged. */
    @Override
    public void flush() {
        target.flush();
    }

    /** Passes on what is left of an unfinished line. */
    synchronized void finish() {
        if (line.size() > 0) {
            emitLine();
        }
        target.flush();
    }

    private void emitLine() {
        String text = line.toString(StandardCharsets.UTF_8);
        line.reset();
        if (DROPPED.stream().noneMatch(text::startsWith)) {
            target.print(text);
        }
    }
}
