package io.wecomrelay.schemas.bot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

class AppBotsTest {

    private static final String KEY = BotRegistryLoaderTest.KEY;
    private final BotRegistryLoader loader = new BotRegistryLoader(Map.of("BOT_TOKEN", "QDG6eK", "AES", KEY,
            "DIFY_KEY", "app-secret-123", "APP_SECRET", "app-secret-of-wecom")::get);

    @Test
    void readsASelfBuiltApp() {
        BotConfig bot = loader.parse(app("""
                    message-format: markdown
                    thinking-notice: 思考中…
                """)).find("hr-app").orElseThrow();

        assertThat(bot.isApp()).isTrue();
        assertThat(bot.replyMode()).isEqualTo(ReplyMode.APP_MESSAGE);
        AppSettings app = bot.app();
        assertThat(app.corpId()).isEqualTo("wx5823bf96d3bd56c7");
        assertThat(app.agentId()).isEqualTo(218);
        assertThat(app.secret().reveal()).isEqualTo("app-secret-of-wecom");
        assertThat(app.format()).isEqualTo(AppMessageFormat.MARKDOWN);
        assertThat(app.thinkingNotice()).isEqualTo("思考中…");
        assertThat(bot.toString()).doesNotContain("app-secret-of-wecom", "QDG6eK", KEY);
    }

    @Test
    void anAppRepliesInPlainTextWithoutANoticeByDefault() {
        AppSettings app = loader.parse(app("")).find("hr-app").orElseThrow().app();

        assertThat(app.format()).isEqualTo(AppMessageFormat.TEXT);
        assertThat(app.thinkingNotice()).isNull();
    }

    @Test
    void aBotWithoutKindIsAnAiBot() {
        BotConfig bot = loader.parse(BotRegistryLoaderTest.minimal("aib1")).find("aib1").orElseThrow();

        assertThat(bot.isApp()).isFalse();
        assertThat(bot.app()).isNull();
    }

    @Test
    void refusesAppSettingsOnAnAiBotAndAiBotReplyModesOnAnApp() {
        assertThatThrownBy(() -> loader.parse(BotRegistryLoaderTest.minimal("aib1") + "    corp-id: ww1\n"))
                .hasMessageContaining("field 'corp-id' is a self-built app setting");
        assertThatThrownBy(() -> loader.parse(BotRegistryLoaderTest.minimal("aib1") + "    reply-mode: app_message\n"))
                .hasMessageContaining("field 'reply-mode'");
        assertThatThrownBy(() -> loader.parse(app("    reply-mode: webhook\n")))
                .hasMessageContaining("must be app_message");
    }

    @Test
    void refusesAnAppWithoutItsIdsOrSecret() {
        assertThatThrownBy(() -> loader.parse(app("").replace("    agent-id: 218\n", "")))
                .hasMessageContaining("field 'agent-id' is required");
        assertThatThrownBy(() -> loader.parse(app("").replace("agent-id: 218", "agent-id: -3")))
                .hasMessageContaining("field 'agent-id' must be the app's AgentId");
        assertThatThrownBy(() -> loader.parse(app("").replace("    secret: ${APP_SECRET}\n", "")))
                .hasMessageContaining("field 'secret' is required");
        assertThatThrownBy(() -> loader.parse(app("").replace("corp-id: wx5823bf96d3bd56c7", "corp-id: \"ww 1\"")))
                .hasMessageContaining("field 'corp-id' must be the CorpID");
        assertThatThrownBy(() -> loader.parse(app("    message-format: html\n")))
                .hasMessageContaining("field 'message-format' must be text or markdown");
        assertThatThrownBy(() -> loader.parse(app("").replace("kind: app", "kind: robot")))
                .hasMessageContaining("field 'kind' must be aibot or app");
    }

    private static String app(String extra) {
        return """
                bots:
                  - id: hr-app
                    kind: app
                    corp-id: wx5823bf96d3bd56c7
                    agent-id: 218
                    secret: ${APP_SECRET}
                    token: ${BOT_TOKEN}
                    aes-key: ${AES}
                    dify: { base-url: http://127.0.0.1:5001/v1, api-key: "${DIFY_KEY}", allow-insecure-http: true }
                """ + extra;
    }
}
