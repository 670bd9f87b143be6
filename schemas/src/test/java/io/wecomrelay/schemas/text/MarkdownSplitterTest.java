package io.wecomrelay.schemas.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

class MarkdownSplitterTest {

    @Test
    void keepsAShortReplyInOnePart() {
        assertThat(MarkdownSplitter.split("**你好**", 4_096)).containsExactly("**你好**");
    }

    @Test
    void splitsA30KbReplyIntoSelfContainedPartsWithinTheWebhookLimit() {
        // Given a 30 KB reply of Chinese prose with many long code blocks
        String reply = Replies.mixed(30_000);

        // When
        List<String> parts = MarkdownSplitter.split(reply, 4_096);

        // Then every part fits, is valid UTF-8 and has balanced fences; some block was closed and reopened
        assertThat(parts).hasSizeBetween(8, 10);
        for (String part : parts) {
            byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
            assertThat(bytes.length).isLessThanOrEqualTo(4_096);
            assertThat(ContentCapTest.isValidUtf8(bytes)).isTrue();
            assertThat(Fences.openAtEnd(part)).as("fences balanced in part").isFalse();
        }
        assertThat(parts.subList(0, parts.size() - 1)).allSatisfy(part ->
                assertThat(part.getBytes(StandardCharsets.UTF_8).length).as("parts are well filled").isGreaterThan(3_000));
        assertThat(parts.stream().filter(part -> part.startsWith("```java\n"))).isNotEmpty();
        // and nothing is lost or reordered: without the added fence lines the parts are the reply
        assertThat(withoutFences(String.join("\n", parts))).isEqualTo(withoutFences(reply));
    }

    @Test
    void cutsALongLineBetweenCharacters() {
        String reply = Replies.unbroken(10_000);

        List<String> parts = MarkdownSplitter.split(reply, 4_096);

        assertThat(parts).hasSize(3);
        assertThat(String.join("", parts)).isEqualTo(reply);
        parts.forEach(part -> assertThat(part.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(4_096));
    }

    @Test
    void prefersToBreakAfterPunctuation() {
        String sentence = "这是一个句子，后面还有更多的内容。";
        String reply = sentence.repeat(400);

        List<String> parts = MarkdownSplitter.split(reply, 4_096);

        assertThat(parts.get(0)).endsWith("。");
        assertThat(String.join("", parts)).isEqualTo(reply);
    }

    @Test
    void aSixtyKilobyteAnswerWithCodeAndTablesSplitsIntoPartsThatEachRender() {
        String answer = Replies.documented(60_000);

        for (int max : new int[] {2_048, 4_096, 20_480}) {
            List<String> parts = MarkdownSplitter.split(answer, max);

            assertThat(parts.size()).isGreaterThan(60_000 / max);
            for (String part : parts) {
                byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
                assertThat(bytes.length).isLessThanOrEqualTo(max);
                assertThat(ContentCapTest.isValidUtf8(bytes)).isTrue();
                assertThat(Fences.openAtEnd(part)).isFalse();
                String first = part.split("\n")[0];
                if (first.startsWith("| param_")) {
                    throw new AssertionError("a part starts with table rows but without the table's header");
                }
                String[] lines = part.strip().split("\n");
                assertThat(Blocks.isHeading(lines[lines.length - 1])).as("a part ends with a heading").isFalse();
            }
            assertThat(ContinuationTest.withoutRepeats(String.join("\n", parts)))
                    .isEqualTo(ContinuationTest.withoutRepeats(answer));
        }
    }

    @Test
    void aTableCutBetweenRowsGoesOnUnderItsHeader() {
        String answer = "| 名称 | 值 |\n|---|---|\n" + "| 参数 | 一个很长的值 |\n".repeat(400);

        List<String> parts = MarkdownSplitter.split(answer, 4_096);

        assertThat(parts).hasSizeGreaterThan(1);
        assertThat(parts).allSatisfy(part -> assertThat(part).startsWith("| 名称 | 值 |\n|---|---|\n"));
    }

    @Test
    void aHeadingAtTheEndOfAPartMovesToTheNextAboveItsText() {
        String filler = "这是一段正文。".repeat(180); // 3,780 bytes
        String answer = filler + "\n\n## 下一节\n\n" + "下一节的正文。".repeat(100);

        List<String> parts = MarkdownSplitter.split(answer, 4_096);

        assertThat(parts).hasSize(2);
        assertThat(parts.get(0)).isEqualTo(filler);
        assertThat(parts.get(1)).startsWith("## 下一节\n\n下一节的正文。");
    }

    private static String withoutFences(String text) {
        var kept = new StringBuilder();
        for (String line : text.split("\n")) {
            if (!Fences.isFence(line) && !line.isBlank()) {
                kept.append(line).append('\n');
            }
        }
        return kept.toString();
    }
}
