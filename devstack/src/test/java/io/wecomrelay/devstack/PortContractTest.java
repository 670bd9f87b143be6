package io.wecomrelay.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertyResolver;
import org.springframework.core.env.PropertySourcesPropertyResolver;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.FileSystemResource;

/**
 * The port contract of the root README's "Ports" table, which compose and deployment manifests are
 * written against: the defaults in each service's application.yaml, the variables that move them, and
 * this launcher's idea of them.
 */
class PortContractTest {

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final Map<Service, Integer> MANAGEMENT_PORTS = Map.of(
            Service.INGRESS, 9080, Service.PROCESSOR, 9081, Service.LLM_WORKER, 9082, Service.RESPONDER, 9083,
            Service.CONNECTOR, 9084);

    @Test
    void ingressServesCallbacksOn8080AndItsActuatorOn9080() throws IOException {
        PropertyResolver defaults = settings(Service.INGRESS, Map.of());

        assertThat(defaults.getProperty("server.port")).isEqualTo("8080");
        assertThat(defaults.getProperty("management.server.port")).isEqualTo("9080");
        assertThat(Service.DEFAULT_CALLBACK_PORT).isEqualTo(8080);
    }

    @Test
    void theOtherServicesHaveOnlyTheirManagementPort() throws IOException {
        for (Service service : new Service[] {Service.PROCESSOR, Service.LLM_WORKER, Service.RESPONDER, Service.CONNECTOR}) {
            PropertyResolver defaults = settings(service, Map.of());

            // management.server.port unset: the actuator is served by the one server, on server.port
            assertThat(defaults.getProperty("server.port")).as(service.module()).isEqualTo(MANAGEMENT_PORTS.get(service).toString());
            assertThat(defaults.getProperty("management.server.port")).as(service.module()).isNull();
        }
    }

    @Test
    void managementPortMovesEveryActuatorAndServerPortMovesIngressCallbacks() throws IOException {
        for (Service service : Service.values()) {
            PropertyResolver moved = settings(service, Map.of("MANAGEMENT_PORT", "19000"));
            String managementPort = service == Service.INGRESS ? "management.server.port" : "server.port";

            assertThat(moved.getProperty(managementPort)).as(service.module()).isEqualTo("19000");
        }
        PropertyResolver ingress = settings(Service.INGRESS, Map.of("SERVER_PORT", "18000", "MANAGEMENT_PORT", "19000"));
        assertThat(ingress.getProperty("server.port")).isEqualTo("18000");
        assertThat(ingress.getProperty("management.server.port")).isEqualTo("19000");
    }

    @Test
    void theLauncherUsesTheSameDefaults() {
        for (Service service : Service.values()) {
            assertThat(service.defaultManagementPort()).as(service.module()).isEqualTo(MANAGEMENT_PORTS.get(service));
        }
    }

    /** The README's table is the one place a user reads the defaults: each row must be what the service does. */
    @Test
    void theReadmesPortsTableIsWhatTheConfigurationFilesSay() throws IOException {
        List<String[]> rows = readmePortsTable();
        var managementRows = new HashMap<String, String>();
        for (String[] row : rows) {
            Service service = Service.ofModule(row[0]);
            PropertyResolver defaults = settings(service, Map.of());
            String property;
            if (row[1].startsWith("callback port")) {
                assertThat(service).isEqualTo(Service.INGRESS);
                property = "server.port";
            } else {
                assertThat(row[1]).startsWith("management port (`MANAGEMENT_PORT`)");
                property = service == Service.INGRESS ? "management.server.port" : "server.port";
                managementRows.put(service.module(), row[2]);
            }
            assertThat(row[2]).as(row[0] + " " + row[1]).isEqualTo(defaults.getProperty(property));
        }
        assertThat(managementRows).as("one management port row per service").hasSize(Service.values().length);
        assertThat(rows).as("the management rows and ingress's callback port").hasSize(Service.values().length + 1);
    }

    /** The rows of README.md's "## Ports" table: service, port (variable), default. */
    private static List<String[]> readmePortsTable() throws IOException {
        List<String> lines = Files.readAllLines(ROOT.resolve("README.md"), StandardCharsets.UTF_8);
        int start = lines.indexOf("## Ports");
        assertThat(start).as("README.md has a Ports section").isNotNegative();
        var rows = new ArrayList<String[]>();
        for (String line : lines.subList(start + 1, lines.size())) {
            if (line.startsWith("## ")) {
                break;
            }
            if (line.startsWith("| ") && !line.startsWith("| service ")) {
                String[] cells = line.substring(1).split("\\|");
                rows.add(new String[] {cells[0].trim(), cells[1].trim(), cells[2].trim()});
            }
        }
        return rows;
    }

    /** The service's application.yaml under {@code environment} (taking precedence, relaxed names, as Spring's does). */
    private static PropertyResolver settings(Service service, Map<String, Object> environment) throws IOException {
        var yaml = new YamlPropertySourceLoader().load(service.module(),
                new FileSystemResource(ROOT.resolve(service.module()).resolve("src/main/resources/application.yaml")));
        var sources = new MutablePropertySources();
        sources.addFirst(new SystemEnvironmentPropertySource("environment", environment));
        yaml.forEach(sources::addLast);
        return new PropertySourcesPropertyResolver(sources);
    }
}
