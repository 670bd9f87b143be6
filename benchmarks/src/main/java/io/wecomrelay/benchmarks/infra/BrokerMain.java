package io.wecomrelay.benchmarks.infra;

import io.wecomrelay.testkit.LocalKafka;

/**
 * A KRaft broker ({@link LocalKafka}, configured like the local stack's) in its own JVM, so that the
 * load generator's garbage never pauses the broker. Prints {@code BOOTSTRAP host:port} when ready
 * and stops when its standard input closes (the harness exits or closes it).
 */
public final class BrokerMain {

    private BrokerMain() {
    }

    public static void main(String[] args) throws Exception {
        LocalKafka kafka = LocalKafka.start(0);
        ParentChannel.announce("BOOTSTRAP " + kafka.bootstrapServers());
        while (System.in.read() != -1) {
            // wait for the parent
        }
        kafka.close();
        System.exit(0);
    }
}
