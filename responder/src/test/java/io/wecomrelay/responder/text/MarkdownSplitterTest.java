package io.wecomrelay.responder.text;

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
