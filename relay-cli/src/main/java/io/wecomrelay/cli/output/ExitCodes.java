package io.wecomrelay.cli.output;

/** The exit codes scripts can rely on; the README's "For auditors and operators" lists them. */
public final class ExitCodes {

    /** Done; for checks and replays: no difference. */
    public static final int OK = 0;

    /** A difference, an invalid file, or nothing found. */
    public static final int DIFFERENCES = 1;

    /** The command line itself is wrong (picocli's own usage code). */
    public static final int USAGE = 2;

    /** Kafka could not be reached, refused, or a topic is missing. */
    public static final int INFRASTRUCTURE = 3;

    private ExitCodes() {
    }
}
