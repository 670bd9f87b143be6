package io.wecomrelay.schemas.bot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import io.wecomrelay.schemas.event.ChatType;
import io.wecomrelay.schemas.event.RejectReason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BotRegistryLoaderTest {

    static final String KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
    static final Map<String, String> ENV = Map.of("BOT_TOKEN", "QDG6eK", "DIFY_KEY", "app-secret-123", "AES", KEY);

    private final BotRegistryLoader loader = new BotRegistryLoader(ENV::get);

    @Test
    void loadsAFullBotWithSecretsFromTheEnvironment() {
        BotRegistry registry = loader.parse("""
                bots:
                  - id: aib1
                    token: ${BOT_TOKEN}
                    aes-key: ${AES}
                    reply-mode: passive_stream
                    placeholder: 稍等
                    welcome: 你好，我是助手
                    rate-limit-per-minute: 5
                    group-shared-conversation: false
                    dify:
                      base-url: http://127.0.0.1:5001/v1/
                      api-key: ${DIFY_KEY}
                      allow-insecure-http: true
                    auth:
                      chat-types: [single]
                      allow-users: ["zhang*", "li"]
                      deny-users: ["zhangsan"]
                    rejection-texts:
                      rate-limited: 慢一点
                """);

        BotConfig bot = registry.find("aib1").orElseThrow();
        assertThat(bot.token().reveal()).isEqualTo("QDG6eK");
        assertThat(bot.dify().apiKey().reveal()).isEqualTo("app-secret-123");
        assertThat(bot.dify().baseUrl()).hasToString("http://127.0.0.1:5001/v1");
        assertThat(bot.rateLimitPerMinute()).isEqualTo(5);
        assertThat(bot.groupSharedConversation()).isFalse();
        assertThat(bot.placeholder()).isEqualTo("稍等");
        assertThat(bot.auth().allowsChatType(ChatType.GROUP)).isFalse();
        assertThat(bot.auth().allowsUser("zhangwei")).isTrue();
        assertThat(bot.auth().allowsUser("zhangsan")).isFalse();
        assertThat(bot.auth().allowsUser("wang")).isFalse();
        assertThat(bot.rejectionText(RejectReason.RATE_LIMITED)).isEqualTo("慢一点");
        assertThat(bot.rejectionText(RejectReason.UNAUTHORIZED)).isNotBlank();
    }

    @Test
    void defaultsAreWhatAUserExpects() {
        BotConfig bot = loader.parse(minimal("aib1")).find("aib1").orElseThrow();

        assertThat(bot.replyMode()).isEqualTo(ReplyMode.PASSIVE_STREAM);
        assertThat(bot.rateLimitPerMinute()).isEqualTo(20);
        assertThat(bot.auth()).isEqualTo(AuthPolicy.OPEN);
        assertThat(bot.groupSharedConversation()).isTrue();
        assertThat(bot.placeholder()).isEqualTo(DefaultTexts.PLACEHOLDER);
    }

    @Test
    void secretsNeverPrint() {
        BotConfig bot = loader.parse(minimal("aib1")).find("aib1").orElseThrow();

        assertThat(bot.toString()).doesNotContain("QDG6eK", KEY, "app-secret-123").contains("Secret[****]");
    }

    @Test
    void errorsNameTheBotAndTheFieldButNotTheSecret() {
        assertThatThrownBy(() -> loader.parse(minimal("aib1").replace("${AES}", "tooshort")))
                .isInstanceOf(BotRegistryException.class)
                .hasMessageContaining("bot 'aib1'").hasMessageContaining("aes-key").hasMessageNotContaining("tooshort");
        assertThatThrownBy(() -> loader.parse(minimal("aib1").replace("${DIFY_KEY}", "${MISSING_VAR}")))
                .hasMessageContaining("bot 'aib1'").hasMessageContaining("dify.api-key").hasMessageContaining("MISSING_VAR");
        assertThatThrownBy(() -> loader.parse(minimal("aib1") + "    reply-mod: webhook\n"))
                .hasMessageContaining("reply-mod").hasMessageContaining("not a known setting");
        assertThatThrownBy(() -> loader.parse(minimal("aib1") + "    reply-mode: webhook\n"))
                .hasMessageContaining("webhook-key");
        assertThatThrownBy(() -> loader.parse(minimal("aib1") + "    rate-limit-per-minute: 0\n"))
                .hasMessageContaining("rate-limit-per-minute");
        assertThatThrownBy(() -> loader.parse(minimal("aib1").replace("http://127.0.0.1:5001/v1", "ftp://x")))
                .hasMessageContaining("dify.base-url");
        assertThatThrownBy(() -> loader.parse(minimal("aib1").replace("${BOT_TOKEN}", "bad token!")))
                .hasMessageContaining("token").hasMessageNotContaining("bad token!");
    }

    @Test
    void aDifyOverPlainHttpNeedsAnExplicitFlag() {
        String https = minimal("aib1").replace("http://127.0.0.1:5001/v1", "https://api.dify.ai/v1")
                .replace(", allow-insecure-http: true", "");

        assertThatThrownBy(() -> loader.parse(https.replace("https://", "http://")))
                .isInstanceOf(BotRegistryException.class)
                .hasMessageContaining("bot 'aib1'").hasMessageContaining("dify.base-url").hasMessageContaining("allow-insecure-http")
                .hasMessageNotContaining("app-secret-123");
        assertThatThrownBy(() -> loader.parse(https.replace("https://", "HTTP://")))
                .hasMessageContaining("allow-insecure-http");
        assertThatThrownBy(() -> loader.parse(minimal("aib1").replace("allow-insecure-http: true", "allow-insecure-http: yes-please")))
                .hasMessageContaining("dify.allow-insecure-http").hasMessageContaining("true or false");
        assertThatThrownBy(() -> loader.parse(minimal("aib1").replace("allow-insecure-http: true", "allow-insecure-http: false")))
                .hasMessageContaining("plain http");
        assertThat(loader.parse(https).find("aib1").orElseThrow().dify().baseUrl()).hasToString("https://api.dify.ai/v1");
        assertThat(loader.parse(minimal("aib1")).find("aib1").orElseThrow().dify().baseUrl())
                .hasToString("http://127.0.0.1:5001/v1");
    }

    @Test
    void duplicateIdsAndMissingListAreRejected() {
        assertThatThrownBy(() -> loader.parse(minimal("aib1") + minimal("aib1").replace("bots:\n", "")))
                .hasMessageContaining("configured twice");
        assertThatThrownBy(() -> loader.parse("robots: []")).hasMessageContaining("'bots'");
        assertThatThrownBy(() -> loader.parse("bots: [ {")).hasMessageContaining("YAML");
    }

    /** A line the YAML parser cannot read may hold a pasted secret: errors give its position only. */
    @ParameterizedTest
    @ValueSource(strings = {
            "    aes-key: \"" + LEAKED + "\n",                      // unterminated quote
            "\ttoken: " + LEAKED + "\n",                            // a tab
            "    aes-key: ${AES}\n    aes-key: " + LEAKED + "\n",  // a duplicate key
            "    aes-key: " + LEAKED + ": b: c\n",                 // a colon inside the value
            "    aes-key: [" + LEAKED + "\n",                       // an unclosed flow sequence
            "    " + LEAKED + ": x\n",                             // a secret pasted as a key
            "    " + LEAKED_LOWER + ": x\n"})
    void yamlErrorsGiveThePositionButNeverTheOffendingLine(String badLine) {
        String file = """
                bots:
                  - id: aib1
                    dify: { base-url: https://api.dify.ai/v1, api-key: "${DIFY_KEY}" }
                    token: ${BOT_TOKEN}
                """ + badLine;

        assertThatThrownBy(() -> loader.parse(file))
                .isInstanceOfSatisfying(BotRegistryException.class, e -> {
                    assertThat(e.getMessage()).containsAnyOf("line 5", "line 6", LEAKED_KEY_MESSAGE);
                    assertNoPartOfTheSecret(e.getMessage());
                    assertNoPartOfTheSecret(printed(e));
                });
    }

    private static final String LEAKED = "Zk9qL7vX2mN4pR8sT1wY6bC3dF5gH0jKaE7uQ9iO2l";
    private static final String LEAKED_LOWER = "zk9ql7vx2mn4pr8st1wy6bc3df5gh0jkae7uq9io2l";
    private static final String LEAKED_KEY_MESSAGE = "is not a known setting";

    private static void assertNoPartOfTheSecret(String text) {
        String lower = text.toLowerCase(java.util.Locale.ROOT);
        for (int i = 0; i + 6 <= LEAKED_LOWER.length(); i++) {
            assertThat(lower).as("error text").doesNotContain(LEAKED_LOWER.substring(i, i + 6));
        }
    }

    /** What a logger prints for the exception: message, stack trace and every cause. */
    private static String printed(Throwable e) {
        var out = new java.io.StringWriter();
        e.printStackTrace(new java.io.PrintWriter(out));
        return out.toString();
    }

    @Test
    void aYamlErrorSaysWhereButNotTheLineItIsOn() {
        // an unclosed flow mapping: the parser stops after the secret, on its line
        assertThatThrownBy(() -> loader.parse("bots:\n  - { id: aib1, token: s3cret-token-value\n"))
                .isInstanceOf(BotRegistryException.class)
                .hasMessageContaining("at line 2, column")
                .hasMessageNotContaining("s3cret");
    }

    @Test
    void environmentReferencesMayHaveDefaults() {
        BotConfig bot = loader.parse(minimal("aib1").replace("http://127.0.0.1:5001/v1", "\"${DIFY_URL:http://localhost:9/v1}\""))
                .find("aib1").orElseThrow();

        assertThat(bot.dify().baseUrl()).hasToString("http://localhost:9/v1");
    }

    @Test
    void policyVersionChangesWithTheRulesAndNotWithSecrets() {
        BotConfig a = loader.parse(minimal("aib1")).find("aib1").orElseThrow();
        BotConfig sameRulesOtherKey = new BotRegistryLoader(name -> name.equals("DIFY_KEY") ? "app-other" : ENV.get(name))
                .parse(minimal("aib1")).find("aib1").orElseThrow();
        BotConfig otherLimit = loader.parse(minimal("aib1") + "    rate-limit-per-minute: 3\n").find("aib1").orElseThrow();

        assertThat(a.policyVersion()).isEqualTo(sameRulesOtherKey.policyVersion()).hasSize(12);
        assertThat(a.policyVersion()).isNotEqualTo(otherLimit.policyVersion());
    }

    static String minimal(String id) {
        return """
                bots:
                  - id: %s
                    token: ${BOT_TOKEN}
                    aes-key: ${AES}
                    dify: { base-url: http://127.0.0.1:5001/v1, api-key: "${DIFY_KEY}", allow-insecure-http: true }
                """.formatted(id);
    }
}
