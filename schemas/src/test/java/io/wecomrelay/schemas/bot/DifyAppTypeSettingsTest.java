package io.wecomrelay.schemas.bot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code dify.app-type}, {@code dify.query-variable}, {@code dify.output-variable} and {@code dify.reasoning}: read,
 * defaulted, and validated at load with errors naming bot and field.
 */
class DifyAppTypeSettingsTest {

    private static final Map<String, String> ENV = Map.of("BOT_TOKEN", "QDG6eK", "DIFY_KEY", "app-secret-123",
            "AES", BotRegistryLoaderTest.KEY, "APP_TYPE", "workflow");
    private final BotRegistryLoader loader = new BotRegistryLoader(ENV::get);

    private static String bot(String dify) {
        return bot(dify, "");
    }

    private static String bot(String dify, String extra) {
        return DifyContextSettingsTest.bot(dify, extra);
    }

    private DifyApp dify(String yaml) {
        return loader.parse(bot(yaml)).find("aib1").orElseThrow().dify();
    }

    @Test
    void aBotWithoutAnAppTypeTalksToAChatAppAndHidesReasoning() {
        DifyApp app = loader.parse(BotRegistryLoaderTest.minimal("aib1")).find("aib1").orElseThrow().dify();

        assertThat(app.appType()).isEqualTo(DifyAppType.CHAT);
        assertThat(app.queryVariable()).isNull();
        assertThat(app.outputVariable()).isNull();
        assertThat(app.reasoning()).isEqualTo(ReasoningDisplay.HIDE);
        assertThat(app.inputNames()).isEmpty();
    }

    @Test
    void aCompletionAppGetsTheMessageInTheQueryVariableByDefault() {
        DifyApp app = dify("""
                app-type: completion
                inputs: { tenant: acme }
                """);

        assertThat(app.appType()).isEqualTo(DifyAppType.COMPLETION);
        assertThat(app.appType().conversational()).isFalse();
        assertThat(app.queryVariable()).isEqualTo("query");
        assertThat(app.inputNames()).containsExactly("tenant", "query");
    }

    @Test
    void aWorkflowAppNamesItsOutputAndMayNameItsQueryVariable() {
        DifyApp app = dify("""
                app-type: ${APP_TYPE}
                query-variable: question
                output-variable: result
                reasoning: show
                """);

        assertThat(app.appType()).isEqualTo(DifyAppType.WORKFLOW);
        assertThat(app.queryVariable()).isEqualTo("question");
        assertThat(app.outputVariable()).isEqualTo("result");
        assertThat(app.reasoning()).isEqualTo(ReasoningDisplay.SHOW);
    }

    @Test
    void difysOwnModeNamesOfChatAppsAreChat() {
        for (String mode : new String[] {"chat", "agent-chat", "advanced-chat", "agent", "Chatflow"}) {
            assertThat(dify("app-type: " + mode).appType()).as(mode).isEqualTo(DifyAppType.CHAT);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "'app-type: assistant'                                     | bot 'aib1': field 'dify.app-type' must be chat, completion or workflow",
            "'app-type: { mode: chat }'                                | bot 'aib1': field 'dify.app-type' must be a plain value",
            "'app-type: workflow'                                      | bot 'aib1': field 'dify.output-variable' is required for app-type workflow",
            "'output-variable: result'                                 | bot 'aib1': field 'dify.output-variable' is for app-type workflow only",
            "'{app-type: completion, output-variable: result}'          | bot 'aib1': field 'dify.output-variable' is for app-type workflow only",
            "'query-variable: question'                                | bot 'aib1': field 'dify.query-variable' is for app-type completion or workflow",
            "'{app-type: completion, query-variable: \"9th\"}'          | bot 'aib1': field 'dify.query-variable' must be a Dify variable name",
            "'{app-type: workflow, output-variable: \"a-b\"}'           | bot 'aib1': field 'dify.output-variable' must be a Dify variable name",
            "'{app-type: completion, inputs: { query: \"{user_id}\" }}' | bot 'aib1': field 'dify.query-variable' names variable 'query', which dify.inputs sets too",
            "'reasoning: keep'                                         | bot 'aib1': field 'dify.reasoning' must be hide or show"})
    void badSettingsFailTheLoadNamingBotAndField(String dify, String message) {
        String yaml = dify.startsWith("{") ? dify.substring(1, dify.length() - 1).replace(", ", "\n") : dify;
        assertThatThrownBy(() -> loader.parse(bot(yaml))).isInstanceOf(BotRegistryException.class)
                .hasMessageStartingWith(message);
    }

    @Test
    void theIdentityTokenMustNotReplaceTheQuery() {
        assertThatThrownBy(() -> loader.parse(bot("app-type: completion", """
                identity: { url: https://auth.example/token, input: query }
                """))).isInstanceOf(BotRegistryException.class)
                .hasMessageStartingWith("bot 'aib1': field 'identity.input' names a variable dify.inputs sets too (or "
                        + "dify.query-variable, the message)");
    }

    @Test
    void unknownDifySettingsAreStillRefused() {
        assertThatThrownBy(() -> loader.parse(bot("app-mode: workflow"))).isInstanceOf(BotRegistryException.class)
                .hasMessageStartingWith("bot 'aib1': field 'dify.app-mode' is not a known setting");
    }
}
