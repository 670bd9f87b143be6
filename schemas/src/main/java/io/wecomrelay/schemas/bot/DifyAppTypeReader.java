package io.wecomrelay.schemas.bot;

import java.util.Map;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Reads how a bot's Dify app is called and what its answer holds: {@code dify.app-type}, {@code dify.query-variable},
 * {@code dify.output-variable} and {@code dify.reasoning}. Errors name the bot and the field.
 */
final class DifyAppTypeReader {

    /** Dify's variable names (the same rule as {@code dify.inputs}). */
    private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");
    private static final String VARIABLE_RULE = "must be a Dify variable name (letters, digits and _, not starting with "
            + "a digit, at most 64)";

    /** What the reader found; the {@link DifyApp} checks the combination once more. */
    record Mode(DifyAppType appType, @Nullable String queryVariable, @Nullable String outputVariable,
                ReasoningDisplay reasoning) {
    }

    private final ContextSettingsReader values;
    private final ContextSettingsReader.Failures failures;

    /** @param values reads plain values as {@code dify.inputs} are read */
    DifyAppTypeReader(ContextSettingsReader values, ContextSettingsReader.Failures failures) {
        this.values = values;
        this.failures = failures;
    }

    /** @param inputs the bot's {@code dify.inputs}, which must not set the query variable too */
    Mode read(JsonNode dify, Map<String, InputTemplate> inputs) {
        String type = plain(dify, "app-type");
        DifyAppType appType = type == null ? DifyAppType.CHAT : DifyAppType.fromWire(type).orElseThrow(() ->
                failures.fail("dify.app-type", "must be chat, completion or workflow (Dify's agent-chat, advanced-chat "
                        + "and agent apps are chat apps)"));
        String query = variable(dify, "query-variable");
        String output = variable(dify, "output-variable");
        if (appType == DifyAppType.CHAT && query != null) {
            throw failures.fail("dify.query-variable", "is for app-type completion or workflow; a chat app gets the "
                    + "message as its query");
        }
        if (appType != DifyAppType.CHAT && query == null) {
            query = DifyApp.DEFAULT_QUERY_VARIABLE;
        }
        if (query != null && inputs.containsKey(query)) {
            throw failures.fail("dify.query-variable", "names variable '" + query + "', which dify.inputs sets too; "
                    + "the message goes in the query variable (dify.query-variable, default query)");
        }
        if (appType == DifyAppType.WORKFLOW && output == null) {
            throw failures.fail("dify.output-variable", "is required for app-type workflow: the output of the "
                    + "workflow's End node that holds the answer (workflow_finished's outputs)");
        }
        if (appType != DifyAppType.WORKFLOW && output != null) {
            throw failures.fail("dify.output-variable", "is for app-type workflow only");
        }
        String reasoning = plain(dify, "reasoning");
        ReasoningDisplay display = reasoning == null ? ReasoningDisplay.HIDE : ReasoningDisplay.fromWire(reasoning)
                .orElseThrow(() -> failures.fail("dify.reasoning", "must be hide or show"));
        return new Mode(appType, query, output, display);
    }

    private @Nullable String variable(JsonNode dify, String field) {
        String value = plain(dify, field);
        if (value == null) {
            return null;
        }
        String name = value.trim();
        if (!VARIABLE.matcher(name).matches()) {
            throw failures.fail("dify." + field, VARIABLE_RULE);
        }
        return name;
    }

    private @Nullable String plain(JsonNode dify, String field) {
        return values.plain(dify, field, "dify." + field);
    }
}
