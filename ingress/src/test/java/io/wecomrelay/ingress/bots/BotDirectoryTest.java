package io.wecomrelay.ingress.bots;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicReference;

import io.wecomrelay.schemas.bot.BotRegistry;
import io.wecomrelay.schemas.bot.BotRegistryLoader;
import org.junit.jupiter.api.Test;

class BotDirectoryTest {

    static final String KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";

    final AtomicReference<BotRegistry> registry = new AtomicReference<>(registry(bot("bot-a", "QDG6eK")));
    final BotDirectory bots = new BotDirectory(registry::get);

    @Test
    void followsTheSourcesRegistry() {
        assertThat(bots.find("bot-b")).isEmpty();

        registry.set(registry(bot("bot-a", "QDG6eK") + bot("bot-b", "QDG6eK")));

        assertThat(bots.find("bot-b")).isPresent();
        assertThat(bots.all()).containsOnlyKeys("bot-a", "bot-b");
    }

    @Test
    void buildsTheCryptoOncePerRegistryAndAgainWhenTheBotChanged() {
        Bot first = bots.find("bot-a").orElseThrow();
        assertThat(bots.find("bot-a")).containsSame(first);

        registry.set(registry(bot("bot-a", "NewToken1")));

        Bot changed = bots.find("bot-a").orElseThrow();
        assertThat(changed.config().token().reveal()).isEqualTo("NewToken1");
        assertThat(changed.crypto().signature("1", "2", "x")).isNotEqualTo(first.crypto().signature("1", "2", "x"));
    }

    @Test
    void aReloadedPolicyComesWithItsNewPolicyVersion() {
        Bot first = bots.find("bot-a").orElseThrow();

        registry.set(registry(bot("bot-a", "QDG6eK") + "    rate-limit-per-minute: 3\n"));

        Bot changed = bots.find("bot-a").orElseThrow();
        assertThat(changed.config().policyVersion()).isNotEqualTo(first.config().policyVersion());
    }

    private static BotRegistry registry(String entries) {
        return new BotRegistryLoader(name -> null).parse("bots:\n" + entries);
    }

    private static String bot(String id, String token) {
        return """
                  - id: %s
                    token: %s
                    aes-key: %s
                    dify: { base-url: http://127.0.0.1:9/v1, api-key: app-x, allow-insecure-http: true }
                """.formatted(id, token, KEY);
    }
}
