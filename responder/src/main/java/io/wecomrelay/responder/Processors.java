package io.wecomrelay.responder;

/**
 * How many processors the responder may count on; the default listener concurrency follows it. A bean of its own so
 * a test can fix the count instead of depending on the machine it runs on.
 */
@FunctionalInterface
interface Processors {

    int available();

    /** The processors the JVM sees (its container's CPU limit, if any). */
    static Processors ofRuntime() {
        return () -> Runtime.getRuntime().availableProcessors();
    }
}
