package io.wecomrelay.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.wecomrelay.support.tracing.HopLatency;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The compose stack's Prometheus and Grafana files (compose/, validated by docker-compose in CI as well): the
 * dashboard is JSON Grafana can load, on the provisioned data source, and Prometheus scrapes every service's
 * actuator on its management port.
 */
class ObservabilityFilesTest {

    private static final Path COMPOSE = Path.of("..", "compose");
    private static final Map<String, Integer> MANAGEMENT_PORTS = Map.of("ingress", 9080, "processor", 9081,
            "llm-worker", 9082, "responder", 9083, "connector", 9084);

    @Test
    void theDashboardIsGrafanaJsonOnTheProvisionedDataSourceAndShowsEveryHop() throws IOException {
        JsonNode dashboard = JsonMapper.builder().build().readTree(Files.readString(COMPOSE.resolve("grafana/dashboards/wecom-relay.json")));
        Map<String, Object> datasources = yaml("grafana/provisioning/datasources/prometheus.yml");
        @SuppressWarnings("unchecked")
        String uid = (String) ((List<Map<String, Object>>) datasources.get("datasources")).get(0).get("uid");

        assertThat(dashboard.path("uid").asString()).isEqualTo("wecom-relay");
        List<JsonNode> graphs = new ArrayList<>();
        dashboard.path("panels").forEach(panel -> {
            if (!panel.path("type").asString().equals("row")) {
                graphs.add(panel);
            }
        });
        assertThat(graphs).isNotEmpty().allSatisfy(panel -> {
            assertThat(panel.path("datasource").path("uid").asString()).isEqualTo(uid);
            assertThat(panel.path("targets").isArray() && !panel.path("targets").isEmpty()).as(panel.path("title").asString()).isTrue();
            panel.path("targets").forEach(target -> assertThat(target.path("expr").asString()).isNotBlank());
        });
        String hops = graphs.stream().map(panel -> panel.path("description").asString()).reduce("", String::concat);
        assertThat(hops).contains(HopLatency.CALLBACK_TO_ACK, HopLatency.INBOUND_TO_DECISION, HopLatency.DECISION_TO_WORKER,
                HopLatency.WORKER_TO_DIFY, HopLatency.DELTA_TO_REDIS, HopLatency.FINISH_TO_DELIVERED);
        var queries = new StringBuilder();
        graphs.forEach(panel -> panel.path("targets").forEach(target -> queries.append(target.path("expr").asString())));
        assertThat(queries.toString()).contains("relay_hop_latency_seconds_bucket", "relay_processor_decisions_total",
                "kafka_consumer_fetch_manager_records_lag_max", "relay_worker_in_flight", "relay_responder_deliveries_total",
                "relay_dead_letters_total");
    }

    @Test
    @SuppressWarnings("unchecked")
    void prometheusScrapesEveryServicesActuatorOnItsManagementPort() throws IOException {
        Map<String, Object> prometheus = yaml("prometheus/prometheus.yml");
        var scraped = new java.util.HashMap<String, Integer>();
        for (Map<String, Object> job : (List<Map<String, Object>>) prometheus.get("scrape_configs")) {
            assertThat(job.get("metrics_path")).isEqualTo("/actuator/prometheus");
            var target = ((List<Map<String, Object>>) job.get("dns_sd_configs")).get(0);
            scraped.put(((List<String>) target.get("names")).get(0), (Integer) target.get("port"));
        }
        assertThat(scraped).isEqualTo(MANAGEMENT_PORTS);
        String compose = Files.readString(COMPOSE.resolve("docker-compose.yml"));
        MANAGEMENT_PORTS.values().forEach(port -> assertThat(compose).contains("MANAGEMENT_PORT: \"" + port + "\""));
    }

    private static Map<String, Object> yaml(String file) throws IOException {
        return new Yaml().load(Files.readString(COMPOSE.resolve(file)));
    }
}
