package io.wecomrelay.schemas.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class ContentCapTest {

    static final String NOTE = "\n\n……（回复过长，已截断 / reply truncated）";

    @Test
    void leavesTextWithinTheLimitAlone() {
        assertThat(ContentCap.cap("你好 **world**", 20_480, NOTE)).isEqualTo("你好 **world**");
    }

    @Test
    void cutsA30KbReplyOnALineBoundaryWithinTheLimit() {
        // Given a 30 KB reply of Chinese prose and code blocks
        String reply = Replies.mixed(30_000);

        // When
        String capped = ContentCap.cap(reply, 20_480, NOTE);

        // Then: within the limit, valid UTF-8, a prefix of the reply ending at a line break, then the note
        byte[] bytes = capped.getBytes(StandardCharsets.UTF_8);
        assertThat(bytes.length).isLessThanOrEqualTo(20_480).isGreaterThan(20_480 - ContentCap.NEWLINE_WINDOW - 200);
        assertThat(isValidUtf8(bytes)).isTrue();
        assertThat(capped).endsWith(NOTE);
        String kept = capped.substring(0, capped.length() - NOTE.length());
        String original = kept.endsWith("\n```") && !reply.startsWith(kept) ? kept.substring(0, kept.length() - 4) : kept;
        assertThat(reply).startsWith(original);
        assertThat(reply.charAt(original.length())).isEqualTo('\n');
        assertThat(Fences.openAtEnd(kept)).isFalse();
    }

    @Test
    void closesACodeBlockThatTheCutLeavesOpen() {
        String reply = "intro\n```python\n" + "print('很长的一行代码')\n".repeat(2_000) + "```\n";

        String capped = ContentCap.cap(reply, 20_480, NOTE);

        assertThat(capped).endsWith("\n```" + NOTE);
        assertThat(capped.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(20_480);
        assertThat(Fences.openAtEnd(capped)).isFalse();
    }

    @Test
    void cutsTextWithoutLineBreaksBetweenCharacters() {
        String reply = Replies.unbroken(30_000);

        String capped = ContentCap.cap(reply, 20_480, NOTE);

        byte[] bytes = capped.getBytes(StandardCharsets.UTF_8);
        assertThat(bytes.length).isLessThanOrEqualTo(20_480).isGreaterThan(20_480 - NOTE.getBytes(StandardCharsets.UTF_8).length - 8);
        assertThat(isValidUtf8(bytes)).isTrue();
        assertThat(reply).startsWith(capped.substring(0, capped.length() - NOTE.length()));
    }

    @Test
    void countsUtf8BytesLikeTheEncoder() {
        for (String text : new String[] {"", "abc", "中文", "😀 emoji", Replies.mixed(5_000)}) {
            assertThat(ContentCap.utf8Length(text)).isEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
        }
    }

    static boolean isValidUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
