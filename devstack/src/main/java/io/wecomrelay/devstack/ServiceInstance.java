package io.wecomrelay.devstack;

/**
 * One running copy of a service, numbered from 1. Its {@link #name()} ({@code llm-worker-2}) names its
 * log file, its {@code HOSTNAME} (as a Kubernetes pod name would) and, for the processor, its state directory.
 */
public record ServiceInstance(Service service, int number) {

    public ServiceInstance {
        if (number < 1) {
            throw new IllegalArgumentException("instances are numbered from 1: " + number);
        }
    }

    public String name() {
        return service.module() + "-" + number;
    }

    @Override
    public String toString() {
        return name();
    }
}
