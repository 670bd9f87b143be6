package io.wecomrelay.schemas.bot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import io.wecomrelay.schemas.stream.AnswerRestKeys;
import org.junit.jupiter.api.Test;

class ContinueWordsTest {

    private final BotRegistryLoader loader = new BotRegistryLoader(Map.of("BOT_TOKEN", "QDG6eK",
            "AES", BotRegistryLoaderTest.KEY, "DIFY_KEY", "app-secret-123", "WORD", "more")::get);

    @Test
    void aStreamingBotKeepsRestsForTheDefaultWords() {
        BotConfig bot = bot("");

        assertThat(bot.continueWords()).containsExactly("继续", "continue");
        assertThat(bot.keepsRests()).isTrue();
        assertThat(bot.isContinueWord("  继续 ")).isTrue();
        assertThat(bot.isContinueWord("Continue")).isTrue();
        assertThat(bot.isContinueWord("continue please")).isFalse();
        assertThat(bot.isContinueWord("继续说")).isFalse();
    }

    @Test
    void readsTrimmedWordsWithEnvironmentReferences() {
        BotConfig bot = bot("    continue-words: [\" 接着 \", \"${WORD}\"]\n");

        assertThat(bot.continueWords()).containsExactly("接着", "more");
        assertThat(bot.isContinueWord("MORE")).isTrue();
        assertThat(bot.isContinueWord("继续")).isFalse();
    }

    @Test
    void anEmptyListSwitchesItOff() {
        BotConfig bot = bot("    continue-words: []\n");

        assertThat(bot.continueWords()).isEmpty();
        assertThat(bot.keepsRests()).isFalse();
        assertThat(bot.isContinueWord("继续")).isFalse();
    }

    @Test
    void onlyStreamingBotsOfUrlCallbacksKeepRests() {
        assertThat(bot("    reply-mode: response_url\n").keepsRests()).isFalse();
        assertThat(bot("    reply-mode: webhook\n    webhook-key: k\n").keepsRests()).isFalse();
    }

    @Test
    void refusesBadWordsNamingBotAndField() {
        assertThatThrownBy(() -> bot("    continue-words: 继续\n"))
                .hasMessage("bot 'b1': field 'continue-words' must be a list of words (or [] to cut long answers instead)");
        assertThatThrownBy(() -> bot("    continue-words: [a, b, c, d, e, f, g, h, i]\n"))
                .hasMessage("bot 'b1': field 'continue-words' may hold at most 8 words, got 9");
        assertThatThrownBy(() -> bot("    continue-words: [\"  \"]\n"))
                .hasMessage("bot 'b1': field 'continue-words' entries must not be blank");
        assertThatThrownBy(() -> bot("    continue-words: [" + "x".repeat(33) + "]\n"))
                .hasMessage("bot 'b1': field 'continue-words' entries must be at most 32 characters");
        assertThatThrownBy(() -> bot("    continue-words: [{a: b}]\n"))
                .hasMessage("bot 'b1': field 'continue-words' entries must be plain words");
        assertThatThrownBy(() -> bot("    continue-words: [More, more]\n"))
                .hasMessageContaining("field 'continue-words' lists 'more' twice");
        assertThat(bot("    continue-words: [" + "字".repeat(32) + "]\n").continueWords()).hasSize(1);
    }

    @Test
    void restKeysAreLengthPrefixedSoBotsCannotCollide() {
        assertThat(AnswerRestKeys.key("b1", "b1:u1")).isEqualTo("answer-rest:2:b1:b1:u1");
        assertThat(AnswerRestKeys.key("a:b", "c")).isNotEqualTo(AnswerRestKeys.key("a", "b:c"));
    }

    private BotConfig bot(String extra) {
        return loader.parse(BotRegistryLoaderTest.minimal("b1") + extra).find("b1").orElseThrow();
    }
}
