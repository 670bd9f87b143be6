package io.wecomrelay.cli.trail;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.wecomrelay.schemas.event.ChatType;
import io.wecomrelay.schemas.event.ChunkKind;
import io.wecomrelay.schemas.event.EventMeta;
import io.wecomrelay.schemas.event.ReplyChunk;
import io.wecomrelay.schemas.event.ReplyRoute;
import org.junit.jupiter.api.Test;

/** The transcript's fold agrees with the responder's ({@code fold-chunk.lua}) on every order the topic can hold. */
class FinalReplyTest {

    private static final Instant T0 = Instant.parse("2026-12-06T12:00:00Z");

    @Test
    void chunksFoldInSeqOrderAndARedeliveredOneCountsOnce() {
        FinalReply reply = FinalReply.fold(List.of(chunk(1, 1, ChunkKind.APPEND, "b", true),
                chunk(1, 0, ChunkKind.APPEND, "a", false), chunk(1, 0, ChunkKind.APPEND, "a", false)));

        assertThat(reply.text()).isEqualTo("ab");
        assertThat(reply.finished()).isTrue();
    }

    @Test
    void aChunkAfterAGapIsAppliedAsTheResponderAppliesIt() {
        // seq 1 never made it into the topic (the responder folds 0 and 2 and flags the gap)
        FinalReply reply = FinalReply.fold(List.of(chunk(1, 0, ChunkKind.APPEND, "你好", false),
                chunk(1, 2, ChunkKind.APPEND, "！", true)));

        assertThat(reply.text()).isEqualTo("你好！");
        assertThat(reply.state()).isEqualTo("finished");
    }

    @Test
    void aReplaceAfterAGapStandsForTheWholeAnswer() {
        FinalReply reply = FinalReply.fold(List.of(chunk(1, 3, ChunkKind.REPLACE, "the whole answer", true)));

        assertThat(reply.text()).isEqualTo("the whole answer");
        assertThat(reply.finished()).isTrue();
    }

    @Test
    void theHighestAttemptWins() {
        FinalReply reply = FinalReply.fold(List.of(chunk(1, 0, ChunkKind.APPEND, "half", false),
                chunk(2, 0, ChunkKind.APPEND, "whole", true)));

        assertThat(reply.text()).isEqualTo("whole");
        assertThat(reply.attempt()).isEqualTo(2);
    }

    private static ReplyChunk chunk(int attempt, long seq, ChunkKind kind, String text, boolean last) {
        return new ReplyChunk(new EventMeta(UUID.randomUUID(), "0af7651916cd43dd8448eb211c80319c", T0.plusMillis(seq)),
                "bot-a", "s-1", "bot-a:zhangsan", "msg-1", attempt, seq, kind, text, last, null, null, List.of(),
                new ReplyRoute(ChatType.SINGLE, null, "zhangsan", null), T0);
    }
}
