package io.wecomrelay.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bytecode rules cannot see a dependency that no class uses yet; the poms can. Services list only
 * {@code schemas} and {@code service-support} (and test-scoped tools) among our own modules, only the processor pulls in
 * kafka-streams, and {@code schemas} pulls in nothing from Spring.
 */
class MavenModuleDependenciesTest {

    private static final Pattern DEPENDENCY = Pattern.compile(
            "<dependency>\\s*<groupId>([^<]+)</groupId>\\s*<artifactId>([^<]+)</artifactId>(.*?)</dependency>", Pattern.DOTALL);
    private static final List<String> SERVICES = List.of("ingress", "processor", "llm-worker", "responder", "connector");
    private static final List<String> SHARED = List.of("schemas", "service-support");

    @ParameterizedTest
    @ValueSource(strings = {"ingress", "processor", "llm-worker", "responder", "connector"})
    void servicesDependOnNoOtherServiceModule(String module) throws IOException {
        var matcher = DEPENDENCY.matcher(pom(module));
        while (matcher.find()) {
            if (matcher.group(1).equals("io.wecomrelay")) {
                String artifact = matcher.group(2);
                boolean testOnly = matcher.group(3).contains("<scope>test</scope>");
                assertThat(SERVICES).as(module + " -> " + artifact).doesNotContain(artifact);
                if (!SHARED.contains(artifact)) {
                    assertThat(testOnly).as(module + " may use " + artifact + " only in tests").isTrue();
                }
            }
        }
    }

    @org.junit.jupiter.api.Test
    void theSupportModuleDependsOnNoService() throws IOException {
        var matcher = DEPENDENCY.matcher(pom("service-support"));
        while (matcher.find()) {
            assertThat(SERVICES).as("service-support -> " + matcher.group(2)).doesNotContain(matcher.group(2));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"schemas", "service-support", "ingress", "llm-worker", "responder", "simulators"})
    void onlyTheProcessorDependsOnKafkaStreams(String module) throws IOException {
        var matcher = DEPENDENCY.matcher(pom(module));
        while (matcher.find()) {
            if (matcher.group(2).equals("kafka-streams")) {
                assertThat(matcher.group(3)).as(module + " -> kafka-streams").contains("<scope>test</scope>");
            }
        }
    }

    @org.junit.jupiter.api.Test
    void schemasHasNoSpringDependency() throws IOException {
        var matcher = DEPENDENCY.matcher(pom("schemas"));
        while (matcher.find()) {
            assertThat(matcher.group(1)).as("schemas -> " + matcher.group(2)).doesNotStartWith("org.springframework");
        }
    }

    private static String pom(String module) throws IOException {
        Path root = Path.of("").toAbsolutePath();
        Path pom = root.resolveSibling(module).resolve("pom.xml");
        return Files.readString(pom);
    }
}
