package io.wecomrelay.benchmarks.floor;

/** A running floor hop. */
interface FloorHop extends AutoCloseable {

    /** The HTTP port it listens on; 0 when its input is Kafka. */
    default int port() {
        return 0;
    }

    @Override
    void close();
}
