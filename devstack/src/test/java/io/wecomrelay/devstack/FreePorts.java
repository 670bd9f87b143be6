package io.wecomrelay.devstack;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.wecomrelay.testkit.internal.LoopbackPorts;

/**
 * A free loopback port for each instance's management and callback port, chosen on first use and kept, so a
 * restarted instance comes back on the same ports (tests must not need 8080 or 9080 to be free).
 */
public final class FreePorts implements PortScheme {

    private final Map<String, Integer> ports = new ConcurrentHashMap<>();

    @Override
    public int managementPort(ServiceInstance instance) {
        return ports.computeIfAbsent(instance.name() + "/management", key -> freePort());
    }

    @Override
    public int callbackPort(ServiceInstance ingress) {
        return ports.computeIfAbsent(ingress.name() + "/callback", key -> freePort());
    }

    /** Never one handed out before in this JVM: the services bind theirs only once started (see LoopbackPorts). */
    private static int freePort() {
        return LoopbackPorts.free();
    }
}
