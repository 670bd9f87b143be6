package io.wecomrelay.sim.wecom;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FrameTextTest {

    @Test
    void anAnswerWithoutThinkingIsPrintedAsItIs() {
        assertThat(FrameText.lines("你好\n世界", "", false)).containsExactly("| 你好", "| 世界");
    }

    @Test
    void anOpenThinkingBlockIsShownAsThinkingWithNoAnswerYet() {
        assertThat(FrameText.lines("<think>先想一想\n再想", "", false))
                .containsExactly("~ (thinking…)", "~ 先想一想", "~ 再想");
        assertThat(FrameText.lines("<think></think>", "", false)).containsExactly("~ (thought)");
    }

    @Test
    void aClosedThinkingBlockComesBeforeTheAnswerWithoutItsTags() {
        assertThat(FrameText.lines("<think>想过了</think>\n\n答案\n第二行", "[1] ", false))
                .containsExactly("[1] ~ (thought)", "[1] ~ 想过了", "[1] | 答案", "[1] | 第二行");
    }

    @Test
    void onATerminalThinkingIsDimmedAndTheAnswerIsNot() {
        assertThat(FrameText.lines("<think>想</think>答", "", true))
                .containsExactly("\u001b[2m~ (thought)\u001b[0m", "\u001b[2m~ 想\u001b[0m", "| 答");
    }

    @Test
    void aThinkTagInsideTheAnswerIsAnswerText() {
        assertThat(FrameText.lines("用 <think> 标签", "", false)).containsExactly("| 用 <think> 标签");
    }
}
