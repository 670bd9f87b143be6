package io.wecomrelay.llm.reply;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.wecomrelay.llm.dify.DifyEvent;
import io.wecomrelay.schemas.bot.ReasoningDisplay;
import io.wecomrelay.schemas.event.ChunkKind;
import io.wecomrelay.schemas.event.ReplyText;
import io.wecomrelay.schemas.event.Usage;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * A reasoning model's thinking and a workflow's output, read event by event with the pieces folded as the responder
 * folds them: what the user sees while the answer streams and in the end.
 */
class ReasoningInterpreterTest {

    private static final DifyEvent.Ids IDS = new DifyEvent.Ids("task-1", null, "msg-1");
    private static final String TITLE = "思考";
    private static final String HEADER = "> **思考**\n";

    private final ErrorTexts texts = new ErrorTexts(Map.of());
    private final List<ChunkAssembler.Piece> pieces = new ArrayList<>();
    private long now = 1_000;
    private long maxAnswerBytes = 1 << 16;

    @Test
    void thinkingIsShownAsWecomsThinkingBlockWhileItStreamsAndLeftOutOfTheFinalText() {
        var interpreter = interpreter(ReasoningDisplay.HIDE, null);

        read(interpreter, text("<thi"));
        read(interpreter, text("nk>\n先想"));
        String thinking = shown();
        read(interpreter, text("一想</th"));
        read(interpreter, text("ink>\n\n答"));
        String answering = shown();
        read(interpreter, text("案。"));
        finish(interpreter, null);

        assertThat(thinking).as("open while only thinking came").isEqualTo("<think>先想");
        assertThat(answering).as("closed once the answer starts").startsWith("<think>先想一想</think>\n\n答");
        assertThat(shown()).isEqualTo("答案。");
        assertThat(pieces.get(pieces.size() - 1).kind()).as("the last piece takes the quote out").isEqualTo(ChunkKind.REPLACE);
        assertThat(interpreter.errorCode()).isNull();
    }

    @Test
    void keptThinkingStaysAboveTheAnswer() {
        var interpreter = interpreter(ReasoningDisplay.SHOW, null);

        read(interpreter, text("<think>line 1\nline 2</think>"));
        read(interpreter, text("The answer."));
        finish(interpreter, null);

        assertThat(shown()).isEqualTo(HEADER + "> line 1\n> line 2\n\nThe answer.");
    }

    @Test
    void difysReasoningEventsAreThinkingToo() {
        var interpreter = interpreter(ReasoningDisplay.HIDE, null);

        read(interpreter, new DifyEvent.Reasoning("separated ", false, IDS));
        read(interpreter, new DifyEvent.Reasoning("thinking", false, IDS));
        read(interpreter, new DifyEvent.Reasoning("", true, IDS));
        String thinking = shown();
        read(interpreter, text("answer"));
        finish(interpreter, null);

        assertThat(thinking).isEqualTo("<think>separated thinking");
        assertThat(shown()).isEqualTo("answer");
    }

    @Test
    void thinkingNeverCountsAgainstTheAnswersBound() {
        maxAnswerBytes = 10;
        var interpreter = interpreter(ReasoningDisplay.HIDE, null);

        var step = read(interpreter, text("<think>" + "x".repeat(1000) + "</think>0123456789"));
        finish(interpreter, null);

        assertThat(step.end()).isNull();
        assertThat(shown()).isEqualTo("0123456789");
    }

    @Test
    void theQuoteGivesWayWhenTheAnswerNeedsAllOfWecomsRoom() {
        var interpreter = interpreter(ReasoningDisplay.SHOW, null);
        read(interpreter, text("<think>" + "想".repeat(500) + "</think>"));

        read(interpreter, text("答".repeat(6000)));
        String streaming = shown();
        read(interpreter, text("答".repeat(1000)));
        String past = shown();
        finish(interpreter, null);

        assertThat(streaming).startsWith("<think>" + "想".repeat(500) + "</think>\n\n答");
        assertThat(past).as("7,000 CJK characters need 21,000 bytes").isEqualTo("答".repeat(7000));
        assertThat(shown()).as("no room to keep any thinking").isEqualTo("答".repeat(7000));
    }

    @Test
    void keptThinkingIsCutToTheRoomTheAnswerLeaves() {
        var interpreter = interpreter(ReasoningDisplay.SHOW, null);
        var thinking = new StringBuilder();
        for (int i = 0; i < 2000; i++) {
            thinking.append("step ").append(i).append('\n');
        }
        read(interpreter, text("<think>" + thinking + "</think>"));
        read(interpreter, text("答".repeat(5000)));
        finish(interpreter, null);

        String last = shown();
        assertThat(last).startsWith(HEADER + "> …\n> step ").endsWith("> step 1999\n\n" + "答".repeat(5000));
        assertThat(Utf8Bounds.length(last)).isLessThanOrEqualTo(20_480);
    }

    @Test
    void aReplyWithOnlyThinkingHasNoAnswer() {
        var interpreter = interpreter(ReasoningDisplay.HIDE, null);

        read(interpreter, text("<think>just thinking"));
        finish(interpreter, null);

        assertThat(interpreter.errorCode()).isEqualTo(ErrorCodes.EMPTY_ANSWER);
        assertThat(shown()).isEqualTo(texts.sentence(ErrorCodes.EMPTY_ANSWER));
    }

    @Test
    void aWorkflowsOutputVariableIsItsAnswer() {
        var same = interpreter(ReasoningDisplay.HIDE, "result");
        read(same, text("Bonjour"));
        var sameEnd = read(same, new DifyEvent.WorkflowEnd(new Usage(0, 0, 7), Map.of("result", "Bonjour"), IDS));
        finish(same, sameEnd.end());
        assertThat(shown()).isEqualTo("Bonjour");
        long piecesWhenSame = pieces.size();

        pieces.clear();
        var other = interpreter(ReasoningDisplay.HIDE, "result");
        read(other, text("partial"));
        var otherEnd = read(other, new DifyEvent.WorkflowEnd(null, Map.of("result", "<think>hm</think>Bonjour le monde",
                "debug", "{\"x\":1}"), IDS));
        finish(other, otherEnd.end());

        assertThat(sameEnd.end()).isEqualTo(new DifyEventInterpreter.End(null, new Usage(0, 0, 7), false, null));
        assertThat(piecesWhenSame).as("nothing replaced").isEqualTo(2);
        assertThat(otherEnd.end().errorCode()).isNull();
        assertThat(shown()).isEqualTo("Bonjour le monde");
    }

    @Test
    void aWorkflowWithoutItsOutputVariableKeepsWhatStreamedOrFailsWithoutAny() {
        var streamed = interpreter(ReasoningDisplay.HIDE, "result");
        read(streamed, text("streamed text"));
        var kept = read(streamed, new DifyEvent.WorkflowEnd(null, Map.of("text", "other"), IDS));

        var silent = interpreter(ReasoningDisplay.HIDE, "result");
        var missing = read(silent, new DifyEvent.WorkflowEnd(null, Map.of("text", "other"), IDS));

        assertThat(kept.end().errorCode()).isNull();
        assertThat(missing.end().errorCode()).isEqualTo(ErrorCodes.WORKFLOW_OUTPUT_MISSING);
    }

    @Test
    void anEmptyThinkBlockShowsNothingAndLeavesNoBlankLinesBeforeTheAnswer() {
        var interpreter = interpreter(ReasoningDisplay.SHOW, null);

        read(interpreter, text("<think>\n\n</think>\n\nHi"));
        finish(interpreter, null);

        assertThat(shown()).isEqualTo("Hi");
        assertThat(pieces).noneMatch(piece -> piece.kind() == ChunkKind.REPLACE);
    }

    @Test
    void aWorkflowOutputThatIsTheStreamedTextWithItsThinkingReplacesNothing() {
        var interpreter = interpreter(ReasoningDisplay.HIDE, "result");
        String raw = "<think>先想</think>\n\nBonjour";

        read(interpreter, text(raw.substring(0, 9)));
        read(interpreter, text(raw.substring(9)));
        var end = read(interpreter, new DifyEvent.WorkflowEnd(null, Map.of("result", raw), IDS));
        finish(interpreter, end.end());

        assertThat(shown()).isEqualTo("Bonjour");
        assertThat(pieces.stream().filter(piece -> piece.kind() == ChunkKind.REPLACE))
                .as("only the last piece, which takes the thinking out").singleElement()
                .satisfies(piece -> assertThat(piece.last()).isTrue());
    }

    @Test
    void aChatflowsWorkflowEndIsJustTheEnd() {
        var interpreter = interpreter(ReasoningDisplay.HIDE, null);
        read(interpreter, text("answer"));

        var end = read(interpreter, new DifyEvent.WorkflowEnd(null, Map.of("answer", "different"), IDS));
        finish(interpreter, end.end());

        assertThat(end.end().errorCode()).isNull();
        assertThat(shown()).isEqualTo("answer");
    }

    private DifyEventInterpreter interpreter(ReasoningDisplay display, @Nullable String outputVariable) {
        return new DifyEventInterpreter(Duration.ofMillis(150), 400, maxAnswerBytes, false, texts,
                new DifyEventInterpreter.Rules(display, outputVariable, TITLE, 2048, 20_480));
    }

    private static DifyEvent.Text text(String answer) {
        return new DifyEvent.Text(answer, DifyEvent.Source.MESSAGE, IDS);
    }

    /** Reads one event 200 ms after the previous one, so every change is due at once. */
    private DifyEventInterpreter.Step read(DifyEventInterpreter interpreter, DifyEvent event) {
        now += 200;
        var step = interpreter.read(event, now);
        pieces.addAll(step.pieces());
        pieces.addAll(interpreter.flush(now));
        return step;
    }

    private void finish(DifyEventInterpreter interpreter, DifyEventInterpreter.@Nullable End end) {
        pieces.add(interpreter.finish(end == null ? null : end.errorCode(), end == null ? null : end.usage()));
    }

    /** What the responder holds after the pieces so far. */
    private String shown() {
        var text = new ReplyText();
        pieces.forEach(piece -> text.apply(piece.kind(), piece.text()));
        return text.toString();
    }
}
