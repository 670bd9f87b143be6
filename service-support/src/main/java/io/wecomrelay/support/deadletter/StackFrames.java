package io.wecomrelay.support.deadletter;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Where a failure happened, without what it said: the class of the failure and of each cause with their
 * frames, in the layout of the JDK's own stack traces (a cause's frames shared with the failure
 * it caused are left out as "... n more"), but no messages, which may quote the record or a secret. Each
 * class shows at most {@value #FRAMES_PER_CAUSE} frames, so that the causes fit; the whole is cut at
 * {@value #MAX_CHARS} characters, at a line.
 */
final class StackFrames {

    static final int MAX_CHARS = 8 * 1024;
    static final int FRAMES_PER_CAUSE = 24;
    static final String CUT = "\t...";

    private StackFrames() {
    }

    static String of(Throwable failure) {
        var out = new StringBuilder();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        StackTraceElement[] enclosing = new StackTraceElement[0];
        for (Throwable current = failure; current != null && seen.add(current); current = current.getCause()) {
            StackTraceElement[] frames = current.getStackTrace();
            int own = frames.length - inCommon(frames, enclosing);
            if (!append(out, (current == failure ? "" : "Caused by: ") + current.getClass().getName())) {
                return out.toString();
            }
            int shown = Math.min(own, FRAMES_PER_CAUSE);
            for (int i = 0; i < shown; i++) {
                if (!append(out, "\tat " + frames[i])) {
                    return out.toString();
                }
            }
            if (shown < frames.length && !append(out, "\t... " + (frames.length - shown) + " more")) {
                return out.toString();
            }
            enclosing = frames;
        }
        return out.toString();
    }

    /** How many frames at the bottom of {@code frames} the enclosing trace has too. */
    private static int inCommon(StackTraceElement[] frames, StackTraceElement[] enclosing) {
        int m = frames.length - 1;
        int n = enclosing.length - 1;
        while (m >= 0 && n >= 0 && frames[m].equals(enclosing[n])) {
            m--;
            n--;
        }
        return frames.length - 1 - m;
    }

    /** Appends the line, or the cut mark when the line would not fit; false once cut. */
    private static boolean append(StringBuilder out, String line) {
        if (out.length() + line.length() + 1 > MAX_CHARS - CUT.length() - 1) {
            out.append(CUT).append('\n');
            return false;
        }
        out.append(line).append('\n');
        return true;
    }
}
