package io.wecomrelay.schemas.bot;

import java.net.URI;
import java.util.Objects;

/**
 * The Dify app that answers for a bot.
 *
 * @param baseUrl the API base, ending in {@code /v1} (e.g. {@code https://api.dify.ai/v1})
 * @param apiKey  the app's key ({@code app-...})
 */
public record DifyApp(URI baseUrl, Secret apiKey) {

    public DifyApp {
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(apiKey, "apiKey");
    }
}
