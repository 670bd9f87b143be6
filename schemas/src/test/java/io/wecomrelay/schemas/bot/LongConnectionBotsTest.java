package io.wecomrelay.schemas.bot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import io.wecomrelay.schemas.event.Channel;
import org.junit.jupiter.api.Test;

/** The bots file's fixed contract for long-connection bots: {@code connection: long-connection} and {@code secret}. */
class LongConnectionBotsTest {

    static final String KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
    static final Map<String, String> ENV = Map.of("BOT_TOKEN", "QDG6eK", "AES", KEY, "WS_SECRET", "ws-secret-value-1",
            "DIFY_KEY", "app-key");

    private final BotRegistryLoader loader = new BotRegistryLoader(ENV::get);

    @Test
    void aLongConnectionBotNeedsOnlyItsSecretAndMixesWithCallbackBots() {
        BotRegistry registry = loader.parse("""
                bots:
                  - id: callback-bot
                    token: ${BOT_TOKEN}
                    aes-key: ${AES}
                    dify: { base-url: https://api.dify.ai/v1, api-key: "${DIFY_KEY}" }
                  - id: ws-bot
                    connection: long-connection
                    secret: ${WS_SECRET}
                    welcome: 你好
                    dify: { base-url: https://api.dify.ai/v1, api-key: "${DIFY_KEY}" }
                """);

        BotConfig callback = registry.find("callback-bot").orElseThrow();
        BotConfig ws = registry.find("ws-bot").orElseThrow();
        assertThat(callback.connection()).isEqualTo(Channel.CALLBACK);
        assertThat(callback.longConnection()).isFalse();
        assertThat(callback.secret()).isNull();
        assertThat(ws.connection()).isEqualTo(Channel.LONG_CONNECTION);
        assertThat(ws.longConnection()).isTrue();
        assertThat(ws.secret().reveal()).isEqualTo("ws-secret-value-1");
        assertThat(ws.token()).isNull();
        assertThat(ws.aesKey()).isNull();
        assertThat(ws.replyMode()).isEqualTo(ReplyMode.PASSIVE_STREAM);
        assertThat(ws.welcome()).isEqualTo("你好");
        assertThat(ws.toString()).doesNotContain("ws-secret-value-1");
    }

    @Test
    void aLongConnectionBotWithoutItsSecretIsRefusedByName() {
        assertThatThrownBy(() -> loader.parse("""
                bots:
                  - id: ws-bot
                    connection: long-connection
                    dify: { base-url: https://api.dify.ai/v1, api-key: k }
                """)).hasMessageContaining("bot 'ws-bot'").hasMessageContaining("'secret' is required");
    }

    @Test
    void callbackSettingsOnALongConnectionBotAreRefusedAndTheSecretOnACallbackBot() {
        assertThatThrownBy(() -> loader.parse("""
                bots:
                  - id: ws-bot
                    connection: long-connection
                    secret: ${WS_SECRET}
                    token: ${BOT_TOKEN}
                    dify: { base-url: https://api.dify.ai/v1, api-key: k }
                """)).hasMessageContaining("'token'").hasMessageNotContaining("QDG6eK");
        assertThatThrownBy(() -> loader.parse("""
                bots:
                  - id: cb
                    token: ${BOT_TOKEN}
                    aes-key: ${AES}
                    secret: ${WS_SECRET}
                    dify: { base-url: https://api.dify.ai/v1, api-key: k }
                """)).hasMessageContaining("'secret'").hasMessageNotContaining("ws-secret-value-1");
    }

    @Test
    void aLongConnectionBotStreamsItsReplies() {
        assertThatThrownBy(() -> loader.parse("""
                bots:
                  - id: ws-bot
                    connection: long-connection
                    secret: s
                    reply-mode: response_url
                    dify: { base-url: https://api.dify.ai/v1, api-key: k }
                """)).hasMessageContaining("'reply-mode' must be passive_stream");
    }

    @Test
    void anUnknownConnectionIsRefused() {
        assertThatThrownBy(() -> loader.parse("""
                bots:
                  - id: ws-bot
                    connection: websocket
                    secret: s
                    dify: { base-url: https://api.dify.ai/v1, api-key: k }
                """)).hasMessageContaining("'connection' must be callback or long-connection");
    }
}
