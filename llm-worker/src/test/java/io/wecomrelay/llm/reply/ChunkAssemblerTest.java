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

    @Test
    void aChunkNeverEndsInsideASurrogatePair() {
        String emoji = "🙂";
        String high = emoji.substring(0, 1);
        String low = emoji.substring(1);

        assertThat(texts(assembler.append("ok" + high, 0))).containsExactly("ok");
        assertThat(assembler.nextFlushAt()).as("half a character is not due by itself").isEmpty();
        assertThat(assembler.append(low + "!", 10)).isEmpty();
        assertThat(texts(assembler.flush(150))).containsExactly(emoji + "!");

        // the size limit cuts too: 9 letters plus the high half reach 10 chars before the interval is up
        assertThat(texts(assembler.append("123456789" + high, 160))).containsExactly("123456789");
        assertThat(assembler.finish(null, null, null, List.of()).text()).as("only the very end may be half").isEqualTo(high);
        assertThat(assembler.text()).isEqualTo("ok" + emoji + "!123456789" + high);
    }

    @Test
    void everyPieceOfAnEmojiStormHoldsWholeCharacters() {
        var storm = new ChunkAssembler(Duration.ofMillis(150), 7);
        var pieces = new java.util.ArrayList<ChunkAssembler.Piece>();
        String text = "中🙂a😀😀b🎉".repeat(20);
        long now = 0;
        for (int i = 0; i < text.length(); i++) {
            pieces.addAll(storm.append(text.substring(i, i + 1), now));
            now += 37;
            pieces.addAll(storm.flush(now));
        }
        pieces.add(storm.finish(null, null, null, List.of()));

        assertThat(pieces).filteredOn(piece -> !piece.text().isEmpty()).allSatisfy(piece -> {
            assertThat(Character.isHighSurrogate(piece.text().charAt(piece.text().length() - 1))).isFalse();
            assertThat(Character.isLowSurrogate(piece.text().charAt(0))).isFalse();
        });
        assertThat(String.join("", texts(pieces))).isEqualTo(text);
    }

    @Test
    void aStatusLineShowsUntilTheAnswerReplacesIt() {
        var assembler = new ChunkAssembler(Duration.ofMillis(150), 400);
        assertThat(assembler.status("> 🔧 dalle3…", 0)).singleElement().satisfies(piece -> {
            assertThat(piece.kind()).isEqualTo(ChunkKind.APPEND);
            assertThat(piece.text()).isEqualTo("> 🔧 dalle3…");
        });
        assertThat(assembler.status("> 🔧 dalle3…", 10)).as("the same status again").isEmpty();
        assertThat(assembler.hasText()).isFalse();
        assertThat(assembler.status("> 🔧 search…", 20)).isEmpty();
        assertThat(assembler.append("The", 30)).isEmpty();
        var replaced = assembler.flush(150).get(0);
        assertThat(replaced.kind()).isEqualTo(ChunkKind.REPLACE);
        assertThat(replaced.text()).isEqualTo("The");
        assertThat(assembler.status("> 🔧 late…", 200)).as("no status once the answer started").isEmpty();
        assertThat(assembler.text()).isEqualTo("The");

        var failed = new ChunkAssembler(Duration.ofMillis(150), 10);
        failed.status("> 🔧 tool…", 0);
        var last = failed.finish("Sorry.", new ChunkError("x", "Sorry."), null, List.of());
        assertThat(last.kind()).isEqualTo(ChunkKind.REPLACE);
        assertThat(last.text()).isEqualTo("Sorry.");

        var quick = new ChunkAssembler(Duration.ofMillis(150), 10);
        quick.append("a", 0);
        quick.append("b", 10);
        assertThat(quick.status("> 🔧 x…", 20)).isEmpty();
        assertThat(quick.finish(null, null, null, List.of()).kind()).isEqualTo(ChunkKind.APPEND);
    }

    @Test
    void aStatusThatNeverWentOutIsSimplyDropped() {
        var first = new ChunkAssembler(Duration.ofMillis(150), 10);
        first.append("x", 0);
        first.replace("", 10);
        // a REPLACE to empty is pending; the status takes its place and the answer then replaces it
        first.status("> 🔧 t…", 20);
        first.append("y", 30);
        var piece = first.flush(150).get(0);
        assertThat(piece.kind()).isEqualTo(ChunkKind.REPLACE);
        assertThat(piece.text()).isEqualTo("y");
    }

    private static List<String> texts(List<ChunkAssembler.Piece> pieces) {
        return pieces.stream().map(ChunkAssembler.Piece::text).toList();
    }
}
