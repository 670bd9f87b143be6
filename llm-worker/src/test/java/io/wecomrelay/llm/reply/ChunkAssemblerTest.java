package io.wecomrelay.llm.reply;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import io.wecomrelay.schemas.event.ChunkError;
import io.wecomrelay.schemas.event.ChunkKind;
import io.wecomrelay.schemas.event.Usage;
import org.junit.jupiter.api.Test;

/** Time is passed in explicitly (milliseconds), so nothing here depends on the wall clock. */
class ChunkAssemblerTest {

    private final ChunkAssembler assembler = new ChunkAssembler(Duration.ofMillis(150), 10);

    @Test
    void firstTextGoesOutAtOnceThenAtMostOneChunkPerInterval() {
        assertThat(texts(assembler.append("Hel", 1_000))).containsExactly("Hel");
        assertThat(assembler.append("lo", 1_010)).isEmpty();
        assertThat(assembler.append(" wo", 1_100)).isEmpty();
        assertThat(assembler.nextFlushAt()).hasValue(1_150);
        assertThat(assembler.flush(1_149)).isEmpty();
        assertThat(texts(assembler.flush(1_150))).containsExactly("lo wo");
        assertThat(assembler.nextFlushAt()).isEmpty();
        // after a quiet spell, new text goes out at once again
        assertThat(texts(assembler.append("rld", 2_000))).containsExactly("rld");
    }

    @Test
    void sizeSendsAChunkEarly() {
        assembler.append("a", 0);
        assertThat(assembler.append("123456789", 1)).isEmpty();
        assertThat(texts(assembler.append("0", 2))).containsExactly("1234567890");
    }

    @Test
    void sequenceNumbersStartAtZeroWithoutGapsAndTheLastPieceCarriesWhatWaits() {
        var first = assembler.append("a", 0).get(0);
        assembler.append("b", 10);
        var last = assembler.finish(null, null, new Usage(1, 2, 3), List.of("https://img"));

        assertThat(first.seq()).isZero();
        assertThat(last.seq()).isEqualTo(1);
        assertThat(last.last()).isTrue();
        assertThat(last.text()).isEqualTo("b");
        assertThat(last.usage().totalTokens()).isEqualTo(3);
        assertThat(last.images()).containsExactly("https://img");
    }

    @Test
    void aReplacementReplacesTheAnswerAndLaterTextJoinsIt() {
        assembler.append("bad words", 0);
        assertThat(assembler.replace("clean", 10)).isEmpty();
        assembler.append(" tx", 20);
        var flushed = assembler.flush(150).get(0);

        assertThat(flushed.kind()).isEqualTo(ChunkKind.REPLACE);
        assertThat(flushed.text()).isEqualTo("clean tx");
        assertThat(assembler.text()).isEqualTo("clean tx");
        assertThat(assembler.append("!", 400).get(0).kind()).isEqualTo(ChunkKind.APPEND);
    }

    @Test
    void anErrorNoteFollowsExistingTextOrStandsAlone() {
        var alone = new ChunkAssembler(Duration.ofMillis(150), 10)
                .finish("Sorry.", new ChunkError("x", "Sorry."), null, List.of());
        assertThat(alone.text()).isEqualTo("Sorry.");
        assertThat(alone.seq()).isZero();

        assembler.append("partial", 0);
        var after = assembler.finish("(cut off)", new ChunkError("no_terminal", "(cut off)"), null, List.of());
        assertThat(after.text()).isEqualTo("\n\n(cut off)");
        assertThat(assembler.text()).isEqualTo("partial\n\n(cut off)");
    }

    private static List<String> texts(List<ChunkAssembler.Piece> pieces) {
        return pieces.stream().map(ChunkAssembler.Piece::text).toList();
    }
}
