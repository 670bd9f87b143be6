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

    private final ChunkAssembler assembler = new ChunkAssembler(new Coalescing(Duration.ofMillis(150), 10, 1));

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
    void aBurstLetsAPieceThatCameLateNotHoldUpTheNext() {
        // deltas due 200 ms apart; the second is 90 ms late, the third on time
        var steady = new ChunkAssembler(new Coalescing(Duration.ofMillis(150), 400, 1));
        var bursty = new ChunkAssembler(new Coalescing(Duration.ofMillis(150), 400, 2));
        for (var assembler : List.of(steady, bursty)) {
            assertThat(texts(assembler.append("a", 0))).containsExactly("a");
            assertThat(texts(assembler.append("b", 290))).containsExactly("b");
        }

        assertThat(steady.append("c", 400)).as("a whole interval after the late one").isEmpty();
        assertThat(steady.nextFlushAt()).hasValue(440);
        assertThat(texts(bursty.append("c", 400))).containsExactly("c");
    }

    @Test
    void aBurstIsBoundedAndTheAverageStaysOnePiecePerInterval() {
        var bursty = new ChunkAssembler(new Coalescing(Duration.ofMillis(150), 400, 3));

        assertThat(texts(bursty.append("a", 1_000))).containsExactly("a");
        assertThat(texts(bursty.append("b", 1_010))).containsExactly("b");
        assertThat(texts(bursty.append("c", 1_020))).containsExactly("c");
        assertThat(bursty.append("d", 1_030)).as("three at once, then the credit is spent").isEmpty();
        assertThat(bursty.nextFlushAt()).hasValue(1_150);
        assertThat(bursty.flush(1_149)).isEmpty();
        assertThat(texts(bursty.flush(1_150))).containsExactly("d");
        assertThat(bursty.append("e", 1_160)).isEmpty();
        assertThat(bursty.nextFlushAt()).as("one interval after the last, nothing saved up").hasValue(1_300);
        // a quiet spell refills the credit, never beyond the burst
        assertThat(texts(bursty.flush(10_000))).containsExactly("e");
        assertThat(texts(bursty.append("f", 10_001))).containsExactly("f");
        assertThat(texts(bursty.append("g", 10_002))).containsExactly("g");
        assertThat(bursty.append("h", 10_003)).isEmpty();
    }

    @Test
    void aPieceSentEarlyForItsSizeRunsUpNoDebt() {
        var bursty = new ChunkAssembler(new Coalescing(Duration.ofMillis(150), 5, 2));
        bursty.append("a", 0);
        bursty.append("b", 1);
        for (int t = 2; t < 20; t++) {
            assertThat(texts(bursty.append("12345", t))).as("at %d ms, for its size", t).containsExactly("12345");
        }

        bursty.append("z", 20);
        assertThat(bursty.nextFlushAt()).as("one interval after the last, however many went early").hasValue(169);
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
        var alone = new ChunkAssembler(new Coalescing(Duration.ofMillis(150), 10, 1))
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
        var storm = new ChunkAssembler(new Coalescing(Duration.ofMillis(150), 7, 1));
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
        var assembler = new ChunkAssembler(new Coalescing(Duration.ofMillis(150), 400, 1));
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

        var failed = new ChunkAssembler(new Coalescing(Duration.ofMillis(150), 10, 1));
        failed.status("> 🔧 tool…", 0);
        var last = failed.finish("Sorry.", new ChunkError("x", "Sorry."), null, List.of());
        assertThat(last.kind()).isEqualTo(ChunkKind.REPLACE);
        assertThat(last.text()).isEqualTo("Sorry.");

        var quick = new ChunkAssembler(new Coalescing(Duration.ofMillis(150), 10, 1));
        quick.append("a", 0);
        quick.append("b", 10);
        assertThat(quick.status("> 🔧 x…", 20)).isEmpty();
        assertThat(quick.finish(null, null, null, List.of()).kind()).isEqualTo(ChunkKind.APPEND);
    }

    @Test
    void aStatusThatNeverWentOutIsSimplyDropped() {
        var first = new ChunkAssembler(new Coalescing(Duration.ofMillis(150), 10, 1));
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
