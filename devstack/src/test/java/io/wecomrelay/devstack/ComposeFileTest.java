package io.wecomrelay.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * {@code compose/docker-compose.yml} keeps the port contract, passes the bots file's secrets to every
 * service, can scale the services without callbacks, and uses exact image versions. ({@code .ci/run}
 * checks that docker-compose accepts the file; this checks what it says.)
 */
class ComposeFileTest {

    static final Path COMPOSE = PortContractTest.ROOT.resolve("compose");
    static final String EXACT_TAG = "[^:@]+:v?\\d+\\.\\d+\\.\\d+[^:@]*";

    @Test
    void onlyIngressCallbackPortIsPublishedAndEveryServiceHasItsManagementPort() throws IOException {
        Map<String, Map<String, Object>> services = services();

        for (Service service : Service.values()) {
            Map<String, Object> definition = services.get(service.module());
            Map<?, ?> environment = (Map<?, ?>) definition.get("environment");
            assertThat(environment.get("MANAGEMENT_PORT")).as(service.module())
                    .isEqualTo(PortContractTest.MANAGEMENT_PORTS.get(service).toString());
            assertThat(definition).as(service.module()).doesNotContainKey("container_name");
            assertThat(definition).as(service.module()).containsKey("healthcheck");
        }
        assertThat(((Map<?, ?>) services.get("ingress").get("environment")).get("SERVER_PORT")).isEqualTo("8080");
        assertThat(services.get("ingress").get("ports")).isEqualTo(List.of("8080:8080"));
        assertThat(services.entrySet().stream().filter(entry -> entry.getValue().containsKey("ports")).map(Map.Entry::getKey))
                .containsExactlyInAnyOrder("ingress", "grafana");
        // Grafana (README "Observability") on the host's loopback only
        assertThat(services.get("grafana").get("ports")).isEqualTo(List.of("127.0.0.1:3000:3000"));
    }

    @Test
    void everyServiceGetsTheSecretsFileTheBotsFileReferences() throws IOException {
        Map<String, Map<String, Object>> services = services();

        for (Service service : Service.values()) {
            assertThat(services.get(service.module()).get("env_file")).as(service.module())
                    .isEqualTo("${WECOM_RELAY_SECRETS_FILE:-secrets.env}");
        }
        String example = Files.readString(COMPOSE.resolve("bots.yaml.example"), StandardCharsets.UTF_8);
        String secrets = Files.readString(COMPOSE.resolve("secrets.env.example"), StandardCharsets.UTF_8);
        for (String name : List.of("BOT1_TOKEN", "BOT1_AES_KEY", "BOT1_DIFY_KEY")) {
            assertThat(example).contains("${" + name + "}");
            assertThat(secrets).containsPattern("(?m)^" + name + "=");
        }
    }

    @Test
    void imagesArePinnedToExactVersions() throws IOException {
        for (Map<String, Object> definition : services().values()) {
            if (definition.containsKey("image")) {
                assertThat((String) definition.get("image")).matches(EXACT_TAG);
            }
        }
        List<String> dockerfile = Files.readAllLines(COMPOSE.resolve("Dockerfile"), StandardCharsets.UTF_8);
        // FROM ${NAME} takes the image of ARG NAME=image, which must be pinned as well
        Map<String, String> args = new java.util.HashMap<>();
        dockerfile.stream().filter(line -> line.startsWith("ARG ") && line.contains("="))
                .forEach(line -> args.put(line.substring(4, line.indexOf('=')).trim(), line.substring(line.indexOf('=') + 1).trim()));
        List<String> from = dockerfile.stream().filter(line -> line.startsWith("FROM ")).map(line -> line.substring(5).trim())
                .map(image -> image.matches("\\$\\{\\w+}") ? args.getOrDefault(image.substring(2, image.length() - 1), image) : image)
                .toList();
        assertThat(from).isNotEmpty().allSatisfy(image -> assertThat(image).matches(EXACT_TAG));
    }

    @Test
    void aStoppedWorkerHasTheTimeToHandItsRepliesOver() throws IOException {
        // shutdown-grace and revoke-drain (20 s each) inside Spring's 60 s shutdown phase, as on Kubernetes
        assertThat(services().get("llm-worker").get("stop_grace_period")).isEqualTo("90s");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> services() throws IOException {
        try (var in = Files.newInputStream(COMPOSE.resolve("docker-compose.yml"))) {
            Map<String, Object> compose = new Yaml().load(in);
            return (Map<String, Map<String, Object>>) compose.get("services");
        }
    }
}
