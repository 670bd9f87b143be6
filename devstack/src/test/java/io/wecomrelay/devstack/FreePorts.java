package io.wecomrelay.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
