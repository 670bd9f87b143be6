package io.wecomrelay.connector.reply;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import io.wecomrelay.schemas.wecom.reply.StreamReply;
import org.junit.jupiter.api.Test;

class ContentLimitTest {

    static final String NOTE = "\n\n……（回答超时，已结束 / the answer took too long）";

    @Test
    void aShortReplyKeepsAllItsTextBeforeTheNote() {
        assertThat(ContentLimit.withNote("你好", NOTE)).isEqualTo("你好" + NOTE);
    }

    @Test
    void aReplyAtTheLimitLosesItsEndNeverTheNoteAndStaysWithinTheLimit() {
        String full = "长".repeat(StreamReply.MAX_CONTENT_BYTES / 3) + "ab"; // exactly 20,480 bytes

        String cut = ContentLimit.withNote(full, NOTE);

        assertThat(full.getBytes(StandardCharsets.UTF_8)).hasSize(StreamReply.MAX_CONTENT_BYTES);
        assertThat(cut).endsWith(NOTE).startsWith("长长长");
        assertThat(cut.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(StreamReply.MAX_CONTENT_BYTES)
                .isGreaterThan(StreamReply.MAX_CONTENT_BYTES - 3);
    }

    @Test
    void aStreamCutWhileTheModelWasThinkingClosesItsThinkingBlockBeforeTheNote() {
        assertThat(ContentLimit.withNote("<think>想一想", NOTE)).isEqualTo("<think>想一想</think>" + NOTE);

        String longThinking = "<think>" + "想".repeat(StreamReply.MAX_CONTENT_BYTES / 3);
        String cut = ContentLimit.withNote(longThinking, NOTE);
        assertThat(cut).endsWith("</think>" + NOTE);
        assertThat(cut.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(StreamReply.MAX_CONTENT_BYTES);
    }

    @Test
    void theTextIsCutOnAWholeCharacterAlsoForSurrogatePairs() {
        assertThat(ContentLimit.prefixOfAtMost("a😀b", 4)).isEqualTo("a");
        assertThat(ContentLimit.prefixOfAtMost("a😀b", 5)).isEqualTo("a😀");
        assertThat(ContentLimit.prefixOfAtMost("长", 2)).isEmpty();
    }
}
