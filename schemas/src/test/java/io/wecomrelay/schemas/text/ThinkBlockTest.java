package io.wecomrelay.schemas.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ThinkBlockTest {

    @Test
    void anOpenBlockIsClosedAndAnythingElseStaysAsItIs() {
        assertThat(ThinkBlock.closed("<think>想一想")).isEqualTo("<think>想一想</think>");
        assertThat(ThinkBlock.closed("<think>想一想</think>\n\n答案")).isEqualTo("<think>想一想</think>\n\n答案");
        assertThat(ThinkBlock.closed("答案")).isEqualTo("答案");
        assertThat(ThinkBlock.closed("")).isEmpty();
        assertThat(ThinkBlock.isOpen("<think>a</think> b <think>c")).isTrue();
    }

    @Test
    void aClosingTagInsideTheThinkingCannotEndTheBlock() {
        assertThat(ThinkBlock.inner("a</think>b")).isEqualTo("a</ think>b");
        assertThat(ThinkBlock.isOpen(ThinkBlock.OPEN + ThinkBlock.inner("a</think>b"))).isTrue();
    }
}
