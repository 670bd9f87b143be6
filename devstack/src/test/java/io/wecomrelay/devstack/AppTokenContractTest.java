package io.wecomrelay.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.wecomrelay.llm.LlmWorkerProperties;
import io.wecomrelay.responder.ResponderProperties;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.PropertySourcesPlaceholdersResolver;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.FileSystemResource;

/**
 * The llm-worker ({@code media/get}) and the responder ({@code message/send}) share each self-built app's access
 * token through one Redis key: out of the box, both with their shipped application.yaml and with their settings
 * records' defaults alone, they use the same key prefix, renewal settings and WeCom API.
 */
class AppTokenContractTest {

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void theWorkerUsesTheRespondersTokensAsShipped() throws IOException {
        assertShareTokens(yaml("llm-worker"), yaml("responder"));
    }

    @Test
    void theWorkerUsesTheRespondersTokensByTheRecordsDefaults() {
        assertShareTokens(List.of(), List.of());
    }

    private static void assertShareTokens(List<PropertySource<?>> workerYaml, List<PropertySource<?>> responderYaml) {
        var worker = bind(workerYaml, "relay.worker", LlmWorkerProperties.class).app();
        var responder = bind(responderYaml, "relay.responder", ResponderProperties.class).delivery();

        assertThat(worker.tokenSettings()).isEqualTo(responder.appToken().settings());
        assertThat(worker.tokenKeyPrefix()).isEqualTo(LlmWorkerProperties.App.DEFAULT_TOKEN_KEY_PREFIX);
        assertThat(worker.wecomApiBaseUrl()).isEqualTo(responder.wecomApiBaseUrl());
    }

    /** The settings as Spring binds them from {@code yaml}, placeholders resolved to their defaults. */
    private static <T> T bind(List<PropertySource<?>> yaml, String prefix, Class<T> type) {
        var sources = new MutablePropertySources();
        // the one setting without a default
        sources.addFirst(new MapPropertySource("required", Map.of(prefix + ".bots-file", "bots.yaml")));
        yaml.forEach(sources::addLast);
        return new Binder(ConfigurationPropertySources.from(sources), new PropertySourcesPlaceholdersResolver(sources))
                .bind(prefix, type).get();
    }

    private static List<PropertySource<?>> yaml(String module) throws IOException {
        return new YamlPropertySourceLoader().load(module,
                new FileSystemResource(ROOT.resolve(module).resolve("src/main/resources/application.yaml")));
    }
}
