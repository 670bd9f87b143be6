package io.wecomrelay.llm.reply;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The thinking as WeCom's thinking block while it streams (growing by appending, bounded) and as a marked quote kept
 * within a byte budget for the final text.
 */
class ReasoningSectionTest {

    private static final String HEADER = "> **💭 Thinking**\n";

    @Test
    void whileStreamingItIsAnOpenThinkingBlockAndKeptItIsEveryLineQuotedUnderTheTitle() {
        var section = new ReasoningSection("💭 Thinking", 2048, 20_480);
        section.add("\nfirst line\n\nsecond 第二行\n");

        assertThat(section.streaming()).isEqualTo("<think>first line\n\nsecond 第二行");
        assertThat(section.kept(20_480)).isEqualTo(HEADER + "> first line\n> \n> second 第二行");
        assertThat(section.isBlank()).isFalse();
    }

    @Test
    void aClosingTagInTheThinkingCannotEndTheBlockEarly() {
        var section = new ReasoningSection("💭 Thinking", 2048, 20_480);
        section.add("a</think>b");

        assertThat(section.streaming()).isEqualTo("<think>a</ think>b");
    }

    @Test
    void whileStreamingTheQuoteOnlyGrowsUntilItIsFullThenStartsOverFromItsLastHalf() {
        var section = new ReasoningSection("💭 Thinking", 300, 20_480);
        String before = section.streaming();
        int restarts = 0;
        for (int i = 0; i < 200; i++) {
            section.add(i % 7 == 6 ? "line " + i + "\n" : "word" + i + " ");
            String now = section.streaming();
            if (!now.startsWith(before)) {
                restarts++;
                assertThat(now).startsWith("<think>…\n");
            }
            assertThat(Utf8Bounds.length(now)).isLessThanOrEqualTo(300 + 4);
            before = now;
        }
        assertThat(restarts).as("one restart per half window of thinking, not one per delta").isBetween(5, 30);
        assertThat(before).endsWith("word199");
    }

    @Test
    void theKeptSectionIsTheWholeThinkingWhenItFitsElseItsEndFromALineStart() {
        var section = new ReasoningSection("💭 Thinking", 2048, 20_480);
        for (int i = 0; i < 100; i++) {
            section.add("思考第 " + i + " 步。\n");
        }
        String whole = section.kept(20_480);
        String cut = section.kept(300);

        assertThat(whole).startsWith(HEADER + "> 思考第 0 步。").endsWith("> 思考第 99 步。");
        assertThat(Utf8Bounds.length(cut)).isLessThanOrEqualTo(300);
        assertThat(cut).startsWith(HEADER + "> …\n> 思考第 ").endsWith("> 思考第 99 步。");
        assertThat(section.kept(40)).as("no room for any thinking").isEmpty();
    }

    @Test
    void blankThinkingIsNotKept() {
        var section = new ReasoningSection("💭 Thinking", 2048, 20_480);
        section.add("\n \n");

        assertThat(section.isBlank()).isTrue();
        assertThat(section.kept(20_480)).isEmpty();
        assertThat(section.streaming()).isEqualTo("<think>");
    }

    @Test
    void memoryKeepsOnlyTheEndOfEndlessThinking() {
        var section = new ReasoningSection("T", 2048, 1000);
        for (int i = 0; i < 10_000; i++) {
            section.add("0123456789");
        }

        String kept = section.kept(1000);
        assertThat(kept).startsWith("> **T**\n> …\n> ");
        assertThat(Utf8Bounds.length(kept)).isLessThanOrEqualTo(1000);
    }
}
