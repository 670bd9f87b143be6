package io.wecomrelay.schemas.bot;

import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * The Dify app that answers for a bot.
 *
 * @param baseUrl        the API base, ending in {@code /v1} (e.g. {@code https://api.dify.ai/v1})
 * @param apiKey         the app's key ({@code app-...})
 * @param inputs         Dify input variable name → its value for each message ({@code dify.inputs}), in file order
 * @param appType        which endpoint the app answers on ({@code dify.app-type})
 * @param queryVariable  the input variable that carries the user's message; set for completion and workflow apps,
 *                       null for chat apps, which take it as {@code query}
 * @param outputVariable the output of {@code workflow_finished} that holds the answer; set for workflow apps only
 * @param reasoning      whether a reasoning model's thinking stays in the final text ({@code dify.reasoning})
 */
public record DifyApp(URI baseUrl, Secret apiKey, Map<String, InputTemplate> inputs, DifyAppType appType,
                      @Nullable String queryVariable, @Nullable String outputVariable, ReasoningDisplay reasoning) {

    /** The input variable completion and workflow apps get the message in unless the bots file names another. */
    public static final String DEFAULT_QUERY_VARIABLE = "query";

    public DifyApp {
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(apiKey, "apiKey");
        Objects.requireNonNull(appType, "appType");
        Objects.requireNonNull(reasoning, "reasoning");
        inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
        if ((appType == DifyAppType.CHAT) != (queryVariable == null)) {
            throw new IllegalArgumentException("a query variable is for completion and workflow apps only, and they need one");
        }
        if ((appType == DifyAppType.WORKFLOW) == (outputVariable == null)) {
            throw new IllegalArgumentException("an output variable is for workflow apps only, and they need one");
        }
        if (queryVariable != null && inputs.containsKey(queryVariable)) {
            throw new IllegalArgumentException("the query variable is set by inputs too");
        }
    }

    /** A chat app whose reasoning is hidden. */
    public DifyApp(URI baseUrl, Secret apiKey, Map<String, InputTemplate> inputs) {
        this(baseUrl, apiKey, inputs, DifyAppType.CHAT, null, null, ReasoningDisplay.HIDE);
    }

    /** A chat app that declares no inputs. */
    public DifyApp(URI baseUrl, Secret apiKey) {
        this(baseUrl, apiKey, Map.of());
    }

    /** Every input variable the worker sets: {@link #inputs()} and the {@link #queryVariable()}. */
    public Set<String> inputNames() {
        var names = new LinkedHashSet<>(inputs.keySet());
        if (queryVariable != null) {
            names.add(queryVariable);
        }
        return names;
    }
}
