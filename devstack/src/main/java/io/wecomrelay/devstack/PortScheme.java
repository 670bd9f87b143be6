package io.wecomrelay.devstack;

/** The ports of each instance: {@link #standard()} for the local stack, free ports in tests. */
public interface PortScheme {

    /** How far apart the standard ports of consecutive instances are. */
    int STEP = 100;

    /** The most instances of one service the standard scheme can number without two ports meeting. */
    int MAX_INSTANCES = 10;

    /** The instance's {@code MANAGEMENT_PORT} (its actuator). */
    int managementPort(ServiceInstance instance);

    /** The {@code SERVER_PORT} of an ingress instance (WeCom's callbacks). */
    int callbackPort(ServiceInstance ingress);

    /**
     * The first instance on the default ports of the README's "Ports" table, each further one {@value #STEP}
     * higher: ingress-2 takes callbacks on 8180 and serves its actuator on 9180, processor-2 on 9181, and so on.
     * Up to {@value #MAX_INSTANCES} instances per service the ports stay apart (ingress-10's callback port is 8980,
     * below every management port).
     */
    static PortScheme standard() {
        return new PortScheme() {
            @Override
            public int managementPort(ServiceInstance instance) {
                return instance.service().defaultManagementPort() + STEP * (instance.number() - 1);
            }

            @Override
            public int callbackPort(ServiceInstance ingress) {
                return Service.DEFAULT_CALLBACK_PORT + STEP * (ingress.number() - 1);
            }
        };
    }
}
