package io.wecomrelay.schemas.bot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code dify.inputs} and {@code identity} in the bots file: read, validated at load, errors naming bot and field. */
class DifyContextSettingsTest {

    private static final String KEY = BotRegistryLoaderTest.KEY;
    private static final Map<String, String> ENV = Map.of("BOT_TOKEN", "QDG6eK", "DIFY_KEY", "app-secret-123", "AES", KEY,
            "TENANT", "acme-secret-tenant", "AUTH_KEY", "auth-secret-key");
    private final BotRegistryLoader loader = new BotRegistryLoader(ENV::get);

    /** A bot with {@code dify} settings besides base-url and api-key, and {@code extra} bot settings. */
    static String bot(String dify, String extra) {
        return """
                bots:
                  - id: aib1
                    token: ${BOT_TOKEN}
                    aes-key: ${AES}
                    dify:
                      base-url: https://dify.example/v1
                      api-key: ${DIFY_KEY}
                %s
                %s
                """.formatted(dify.indent(6).stripTrailing(), extra.indent(4).stripTrailing());
    }

    @Test
    void readsLiteralAndTemplateInputsInFileOrder() {
        BotConfig bot = loader.parse(bot("""
                inputs:
                  asker: "{user_id}"
                  where: "{chat_type}:{chat_id}"
                  tenant: ${TENANT}
                  braces: "{{literal}} at {received_at}"
                """, "")).find("aib1").orElseThrow();

        var inputs = bot.dify().inputs();
        assertThat(inputs).containsOnlyKeys("asker", "where", "tenant", "braces");
        assertThat(inputs.keySet()).containsExactly("asker", "where", "tenant", "braces");
        Map<InputVariable, String> values = Map.of(InputVariable.USER_ID, "zhang", InputVariable.CHAT_TYPE, "group",
                InputVariable.CHAT_ID, "wrkSFfCg", InputVariable.RECEIVED_AT, "2026-12-05T08:00:00Z");
        assertThat(inputs.get("asker").render(values::get)).isEqualTo("zhang");
        assertThat(inputs.get("where").render(values::get)).isEqualTo("group:wrkSFfCg");
        assertThat(inputs.get("tenant").render(values::get)).isEqualTo("acme-secret-tenant");
        assertThat(inputs.get("braces").render(values::get)).isEqualTo("{literal} at 2026-12-05T08:00:00Z");
        assertThat(bot.identity()).isNull();
        assertThat(bot.toString()).doesNotContain("acme-secret-tenant");
    }

    @Test
    void aBotWithoutInputsSendsNone() {
        BotConfig bot = loader.parse(BotRegistryLoaderTest.minimal("aib1")).find("aib1").orElseThrow();

        assertThat(bot.dify().inputs()).isEmpty();
        assertThat(bot.identity()).isNull();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "'inputs: { asker: \"{userid}\" }'           | bot 'aib1': field 'dify.inputs.asker' uses unknown template name {userid}",
            "'inputs: { asker: \"{user_id\" }'           | bot 'aib1': field 'dify.inputs.asker' has a '{' without its '}'",
            "'inputs: { asker: \"user}\" }'              | bot 'aib1': field 'dify.inputs.asker' has a '}' without its '{'",
            "'inputs: { asker: { nested: 1 } }'          | bot 'aib1': field 'dify.inputs.asker' must be a plain value",
            "'inputs: [user_id]'                         | bot 'aib1': field 'dify.inputs' must be a mapping",
            "'inputs: { \"9lives\": x }'                 | bot 'aib1': field 'dify.inputs' has a variable name that is not"})
    void badInputsFailTheLoadNamingBotAndField(String inputs, String message) {
        assertThatThrownBy(() -> loader.parse(bot(inputs, ""))).isInstanceOf(BotRegistryException.class)
                .hasMessageStartingWith(message);
    }

    @Test
    void unknownTemplateNamesListTheKnownOnes() {
        assertThatThrownBy(() -> loader.parse(bot("inputs: { a: \"{department}\" }", "")))
                .hasMessageContaining("{user_id}, {chat_id}, {chat_type}, {bot_id}, {msgtype}, {received_at}");
    }

    @Test
    void readsIdentityWithDefaults() {
        BotConfig bot = loader.parse(bot("", """
                identity:
                  url: https://auth.corp.example/wecom/token
                  api-key: ${AUTH_KEY}
                  input: user_token
                """)).find("aib1").orElseThrow();

        IdentitySource identity = bot.identity();
        assertThat(identity).isNotNull();
        assertThat(identity.url()).hasToString("https://auth.corp.example/wecom/token");
        assertThat(identity.apiKey().reveal()).isEqualTo("auth-secret-key");
        assertThat(identity.input()).isEqualTo("user_token");
        assertThat(identity.header()).isNull();
        assertThat(identity.ttl()).isEqualTo(Duration.ofMinutes(10));
        assertThat(bot.toString()).doesNotContain("auth-secret-key");
    }

    @Test
    void readsIdentityPassedAsHeaderWithItsTtl() {
        IdentitySource identity = loader.parse(bot("", """
                identity: { url: "http://127.0.0.1:9/token", allow-insecure-http: true, header: X-User-Token, ttl: 90s }
                """)).find("aib1").orElseThrow().identity();

        assertThat(identity.header()).isEqualTo("X-User-Token");
        assertThat(identity.input()).isNull();
        assertThat(identity.apiKey()).isNull();
        assertThat(identity.ttl()).isEqualTo(Duration.ofSeconds(90));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "'identity: { input: t }'                                          | field 'identity.url' is required",
            "'identity: { url: \"ftp://a.example/t\", input: t }'             | field 'identity.url' must be an http(s) URL",
            "'identity: { url: \"http://a.example/t\", input: t }'            | field 'identity.url' uses plain http",
            "'identity: { url: \"https://a.example/t\" }'                     | field 'identity' needs input",
            "'identity: { url: \"https://a.example/t\", header: Authorization }' | field 'identity.header' must be a header name",
            "'identity: { url: \"https://a.example/t\", input: t, ttl: soon }' | field 'identity.ttl' must be a duration",
            "'identity: { url: \"https://a.example/t\", input: t, ttl: 2d }'   | field 'identity.ttl' must be between 1s and 1d",
            "'identity: { url: \"https://a.example/t\", input: t, cache: 1 }'  | field 'identity.cache' is not a known setting",
            "'identity: { url: \"https://a.example/t\", input: asker }'        | field 'identity.input' names a variable dify.inputs sets"})
    void badIdentityFailsTheLoadNamingBotAndField(String identity, String message) {
        assertThatThrownBy(() -> loader.parse(bot("inputs: { asker: \"{user_id}\" }", identity)))
                .isInstanceOf(BotRegistryException.class)
                .hasMessageStartingWith("bot 'aib1': " + message);
    }
}
