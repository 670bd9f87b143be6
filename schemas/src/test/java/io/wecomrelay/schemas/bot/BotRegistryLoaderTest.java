package io.wecomrelay.schemas.bot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import io.wecomrelay.schemas.event.ChatType;
import io.wecomrelay.schemas.event.RejectReason;
import org.junit.jupiter.api.Test;

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
    void duplicateIdsAndMissingListAreRejected() {
        assertThatThrownBy(() -> loader.parse(minimal("aib1") + minimal("aib1").replace("bots:\n", "")))
                .hasMessageContaining("configured twice");
        assertThatThrownBy(() -> loader.parse("robots: []")).hasMessageContaining("'bots'");
        assertThatThrownBy(() -> loader.parse("bots: [ {")).hasMessageContaining("YAML");
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
                    dify: { base-url: http://127.0.0.1:5001/v1, api-key: "${DIFY_KEY}" }
                """.formatted(id);
    }
}
