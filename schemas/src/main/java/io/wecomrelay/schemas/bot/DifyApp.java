package io.wecomrelay.schemas.bot;

import java.net.URI;
import java.util.Map;
import java.util.Objects;

/**
 * The Dify app that answers for a bot.
 *
 * @param baseUrl the API base, ending in {@code /v1} (e.g. {@code https://api.dify.ai/v1})
 * @param apiKey  the app's key ({@code app-...})
 * @param inputs  Dify input variable name → its value for each message ({@code dify.inputs}), in file order
 */
public record DifyApp(URI baseUrl, Secret apiKey, Map<String, InputTemplate> inputs) {

    public DifyApp {
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(apiKey, "apiKey");
        inputs = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(inputs));
    }

    /** An app that declares no inputs. */
    public DifyApp(URI baseUrl, Secret apiKey) {
        this(baseUrl, apiKey, Map.of());
    }
}
