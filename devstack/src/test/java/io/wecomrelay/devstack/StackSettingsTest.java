package io.wecomrelay.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** {@code --instances} and the ports, names and environment each instance gets. */
class StackSettingsTest {

    @Test
    void instancesAreReadPerServiceAndOthersRunOnce() {
        var settings = settings(StackSettings.parseInstances("ingress=2, processor=2,llm-worker=3"));

        assertThat(settings.allInstances()).extracting(ServiceInstance::name).containsExactly(
                "ingress-1", "ingress-2", "processor-1", "processor-2", "llm-worker-1", "llm-worker-2", "llm-worker-3",
                "responder-1", "connector-1");
    }

    @Test
    void theConnectorAloneMayRunWithNoInstance() {
        var settings = settings(StackSettings.parseInstances("connector=0"));

        assertThat(settings.instancesOf(Service.CONNECTOR)).isEmpty();
        assertThat(settings.allInstances()).extracting(ServiceInstance::name).containsExactly(
                "ingress-1", "processor-1", "llm-worker-1", "responder-1");
    }

    @Test
    void badInstanceSpecificationsAreRefusedWithTheReason() {
        assertThatThrownBy(() -> StackSettings.parseInstances("worker=2")).hasMessageContaining("unknown service worker")
                .hasMessageContaining("llm-worker");
        assertThatThrownBy(() -> StackSettings.parseInstances("ingress")).hasMessageContaining("service=count");
        assertThatThrownBy(() -> StackSettings.parseInstances("ingress=two")).hasMessageContaining("two is not a number");
        assertThatThrownBy(() -> settings(Map.of(Service.RESPONDER, 0))).hasMessageContaining("between 1 and 10");
        assertThatThrownBy(() -> settings(Map.of(Service.CONNECTOR, 11))).hasMessageContaining("between 0 and 10");
        assertThatThrownBy(() -> settings(Map.of(Service.RESPONDER, 11))).hasMessageContaining("between 1 and 10");
    }

    @Test
    void theFirstInstanceKeepsTheDefaultPortsAndEachFurtherOneIsAHundredHigher() {
        PortScheme ports = PortScheme.standard();

        assertThat(ports.callbackPort(new ServiceInstance(Service.INGRESS, 1))).isEqualTo(8080);
        assertThat(ports.managementPort(new ServiceInstance(Service.INGRESS, 1))).isEqualTo(9080);
        assertThat(ports.callbackPort(new ServiceInstance(Service.INGRESS, 2))).isEqualTo(8180);
        assertThat(ports.managementPort(new ServiceInstance(Service.INGRESS, 2))).isEqualTo(9180);
        assertThat(ports.managementPort(new ServiceInstance(Service.PROCESSOR, 3))).isEqualTo(9281);
        assertThat(ports.managementPort(new ServiceInstance(Service.RESPONDER, 2))).isEqualTo(9183);
        assertThat(ports.managementPort(new ServiceInstance(Service.CONNECTOR, 1))).isEqualTo(9084);
        assertThat(ports.managementPort(new ServiceInstance(Service.CONNECTOR, 2))).isEqualTo(9184);
    }

    @Test
    void noTwoPortsMeetWithTenInstancesOfEveryService() {
        var all = new java.util.EnumMap<Service, Integer>(Service.class);
        for (Service service : Service.values()) {
            all.put(service, PortScheme.MAX_INSTANCES);
        }
        var settings = settings(all);
        var ports = new HashSet<Integer>();
        int count = 0;
        for (ServiceInstance instance : settings.allInstances()) {
            ports.add(settings.ports().managementPort(instance));
            count++;
            if (instance.service() == Service.INGRESS) {
                ports.add(settings.ports().callbackPort(instance));
                count++;
            }
        }
        assertThat(ports).hasSize(count);
    }

    @Test
    void eachInstanceGetsItsPortsAndItsNameAsHostname() {
        var settings = settings(Map.of(Service.INGRESS, 2, Service.RESPONDER, 2));

        assertThat(settings.instanceEnvironment(new ServiceInstance(Service.INGRESS, 2)))
                .containsExactlyInAnyOrderEntriesOf(Map.of("SERVER_PORT", "8180", "MANAGEMENT_PORT", "9180", "HOSTNAME", "ingress-2"));
        // the others' management port is their only server: no SERVER_PORT, or it would move the actuator
        assertThat(settings.instanceEnvironment(new ServiceInstance(Service.RESPONDER, 2)))
                .containsExactlyInAnyOrderEntriesOf(Map.of("MANAGEMENT_PORT", "9183", "HOSTNAME", "responder-2"));
    }

    private static StackSettings settings(Map<Service, Integer> instances) {
        return new StackSettings(Path.of("."), Path.of(".devstack"), null, instances, PortScheme.standard(), null, null,
                null, null, 0, 5001, null, 5002, Map.of(), true);
    }
}
