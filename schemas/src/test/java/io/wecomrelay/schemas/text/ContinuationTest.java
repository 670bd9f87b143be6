package io.wecomrelay.schemas.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class ContinuationTest {

    private static final String NOTE = "\n\n（续下条 / continued below）";

    @Test
    void anAnswerThatFitsIsShownWhole() {
        Continuation split = Continuation.of("你好 **world**", 20_480, NOTE);

        assertThat(split.shown()).isEqualTo("你好 **world**");
        assertThat(split.continues()).isFalse();
    }

    @Test
    void theShownPartIsWhatContentCapKeepsAndTheRestGoesOnFromThere() {
        String answer = Replies.documented(60_000);

        Continuation split = Continuation.of(answer, 20_480, NOTE);

        assertThat(split.shown()).isEqualTo(ContentCap.cap(answer, 20_480, NOTE)).endsWith(NOTE);
        byte[] shown = split.shown().getBytes(StandardCharsets.UTF_8);
        assertThat(shown.length).isLessThanOrEqualTo(20_480);
        assertThat(ContentCapTest.isValidUtf8(shown)).isTrue();
        assertThat(Fences.openAtEnd(split.shown())).isFalse();
        // nothing lost or doubled: the shown text without its note, then the rest, is the answer again
        String kept = split.shown().substring(0, split.shown().length() - NOTE.length());
        assertThat(withoutRepeats(kept + "\n" + split.rest())).isEqualTo(withoutRepeats(answer));
    }

    @Test
    void aCutInsideACodeBlockClosesItAndTheRestReopensItWithItsLanguage() {
        String answer = "前言\n```python\n" + "print('第一行代码')\n".repeat(2_000) + "```\n后记";

        Continuation split = Continuation.of(answer, 20_480, NOTE);

        assertThat(split.shown()).startsWith("前言\n```python\n").endsWith("\n```" + NOTE);
        assertThat(split.rest()).startsWith("```python\nprint('第一行代码')\n").endsWith("```\n后记");
        assertThat(Fences.openAtEnd(split.rest())).isFalse();
    }

    @Test
    void aCutBetweenTableRowsRepeatsTheHeaderInTheRest() {
        String answer = "| 名称 | 值 |\n|---|---|\n" + "| 参数 | 一个很长的值 |\n".repeat(1_000);

        Continuation split = Continuation.of(answer, 20_480, NOTE);

        String[] shownLines = split.shown().substring(0, split.shown().length() - NOTE.length()).split("\n");
        assertThat(shownLines[shownLines.length - 1]).isEqualTo("| 参数 | 一个很长的值 |");
        assertThat(split.rest()).startsWith("| 名称 | 值 |\n|---|---|\n| 参数 | 一个很长的值 |\n");
    }

    @Test
    void chineseWithoutLineBreaksIsCutBetweenCharacters() {
        String answer = Replies.unbroken(30_000);

        Continuation split = Continuation.of(answer, 20_480, NOTE);

        String kept = split.shown().substring(0, split.shown().length() - NOTE.length());
        assertThat(kept + split.rest()).isEqualTo(answer);
        assertThat(split.shown().getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(20_480);
    }

    /** The text without fence lines, repeated table headers and blank lines, which splitting may add or drop. */
    static String withoutRepeats(String text) {
        var kept = new StringBuilder();
        for (String line : text.split("\n")) {
            boolean repeatedHeader = line.startsWith("| 参数 | 默认值") || line.equals("|---|:---:|---|");
            if (!Fences.isFence(line) && !line.isBlank() && !repeatedHeader) {
                kept.append(line).append('\n');
            }
        }
        return kept.toString();
    }
}
