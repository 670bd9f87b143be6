package io.wecomrelay.benchmarks.floor;

import io.wecomrelay.benchmarks.infra.ParentChannel;

/**
 * One floor hop in its own JVM ({@link FloorArgs}). Prints {@code READY <port>} (0 unless http) once it serves, and
 * stops when its standard input closes (the harness exits or closes it), like the broker's JVM.
 */
public final class FloorHopMain {

    private FloorHopMain() {
    }

    public static void main(String[] args) throws Exception {
        FloorArgs parsed = FloorArgs.parse(args);
        try (FloorHop hop = switch (parsed.mode()) {
            case RELAY -> RelayHop.start(parsed);
            case EOS -> EosHop.start(parsed);
            case HTTP -> HttpHop.start(parsed);
        }) {
            ParentChannel.announce("READY " + hop.port());
            while (System.in.read() != -1) {
                // wait for the parent
            }
        }
        System.exit(0);
    }
}
