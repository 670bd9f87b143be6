package io.wecomrelay.schemas.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.wecomrelay.schemas.testing.Events;
import org.junit.jupiter.api.Test;

class ReplyTextTest {

    @Test
    void appendsAppendChunksAndStartsOverAtAReplace() {
        var chunks = List.of(chunk(0, ChunkKind.APPEND, "Hel"), chunk(1, ChunkKind.APPEND, "lo"),
                chunk(2, ChunkKind.REPLACE, "Hi"), chunk(3, ChunkKind.APPEND, ", 你好"));

        assertThat(ReplyText.fold(chunks)).isEqualTo("Hi, 你好");
    }

    @Test
    void showsTheTextSoFarAfterEveryPiece() {
        var text = new ReplyText();

        assertThat(text).hasToString("");
        assertThat(text.apply(ChunkKind.APPEND, "thinking…")).hasToString("thinking…");
        assertThat(text.apply(ChunkKind.REPLACE, "")).hasToString("");
        assertThat(text.apply(chunk(2, ChunkKind.APPEND, "answer"))).hasToString("answer");
    }

    @Test
    void foldsNoChunksToAnEmptyText() {
        assertThat(ReplyText.fold(List.of())).isEmpty();
    }

    private static ReplyChunk chunk(long seq, ChunkKind kind, String text) {
        return Events.chunk("bot-1", "msg-1", 1, seq, "", false).withImages(kind, text, List.of(), List.of());
    }
}
