package io.wecomrelay.llm.reply;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.wecomrelay.llm.dify.DifyApiException;
import io.wecomrelay.llm.dify.DifyEvent;
import io.wecomrelay.llm.dify.StreamLimitException;
import io.wecomrelay.schemas.event.ChunkKind;
import io.wecomrelay.schemas.event.Usage;
import org.junit.jupiter.api.Test;

/** Each Dify event's meaning, with time passed in (milliseconds): no timers, no stream, no wall clock. */
class DifyEventInterpreterTest {

    private static final DifyEvent.Ids IDS = new DifyEvent.Ids("task-1", "conv-1", "msg-1");
    private static final long INTERVAL = 150;

    private final ErrorTexts texts = new ErrorTexts(Map.of());
    private long maxAnswerBytes = 1 << 16;
    private boolean showThoughts;
    private long now = 1_000;

    @Test
    void messageTextGoesOutAndMessageEndEndsTheReplyWithItsUsage() {
        var interpreter = interpreter();

        var first = interpreter.read(text("Hello", DifyEvent.Source.MESSAGE), now);
        var end = interpreter.read(new DifyEvent.End(new Usage(1, 2, 3), IDS), later());

        assertThat(texts(first.pieces())).containsExactly("Hello");
        assertThat(first.firstText()).isTrue();
        assertThat(first.end()).isNull();
        assertThat(end.pieces()).isEmpty();
        assertThat(end.end()).isEqualTo(new DifyEventInterpreter.End(null, new Usage(1, 2, 3), false, null));
        var last = interpreter.finish(null, end.end().usage());
        assertThat(last.last()).isTrue();
        assertThat(last.error()).isNull();
        assertThat(last.usage().totalTokens()).isEqualTo(3);
        assertThat(interpreter.errorCode()).isNull();
    }

    @Test
    void onlyTheFirstNonEmptyTextIsTheFirstText() {
        var interpreter = interpreter();

        assertThat(interpreter.read(text("", DifyEvent.Source.MESSAGE), now).firstText()).isFalse();
        assertThat(interpreter.read(text("a", DifyEvent.Source.MESSAGE), later()).firstText()).isTrue();
        assertThat(interpreter.read(text("b", DifyEvent.Source.MESSAGE), later()).firstText()).isFalse();
    }

    @Test
    void textWithinTheIntervalWaitsForTheFlush() {
        var interpreter = interpreter();
        interpreter.read(text("Hel", DifyEvent.Source.MESSAGE), now);

        var step = interpreter.read(text("lo", DifyEvent.Source.MESSAGE), now + 10);

        assertThat(step.pieces()).isEmpty();
        assertThat(interpreter.nextFlushAt()).hasValue(now + INTERVAL);
        assertThat(texts(interpreter.flush(now + INTERVAL))).containsExactly("lo");
    }

    @Test
    void messageReplaceReplacesTheAnswer() {
        var interpreter = interpreter();
        interpreter.read(text("rude words", DifyEvent.Source.MESSAGE), now);

        var step = interpreter.read(new DifyEvent.Replace("***", IDS), later());

        assertThat(step.pieces()).singleElement().satisfies(piece -> {
            assertThat(piece.kind()).isEqualTo(ChunkKind.REPLACE);
            assertThat(piece.text()).isEqualTo("***");
        });
    }

    @Test
    void aMessageAfterAgentMessagesIsTheWholeAnswerAndReplacesThem() {
        var interpreter = interpreter();
        interpreter.read(text("Thinking… ", DifyEvent.Source.AGENT_MESSAGE), now);
        interpreter.read(text("done", DifyEvent.Source.AGENT_MESSAGE), later());

        var step = interpreter.read(text("The whole answer", DifyEvent.Source.MESSAGE), later());

        assertThat(step.pieces()).singleElement().satisfies(piece -> {
            assertThat(piece.kind()).isEqualTo(ChunkKind.REPLACE);
            assertThat(piece.text()).isEqualTo("The whole answer");
        });
    }

    @Test
    void anImageFileIsAMarkdownImageListedInTheLastPieceAndTextAfterItStartsAfterABlankLine() {
        var interpreter = interpreter();
        interpreter.read(text("Here:", DifyEvent.Source.MESSAGE), now);
        var file = interpreter.read(new DifyEvent.File("https://files/cat.png", "image", IDS), later());
        var after = interpreter.read(text("A cat.", DifyEvent.Source.MESSAGE), later());

        assertThat(texts(file.pieces())).containsExactly("\n\n![image](https://files/cat.png)");
        assertThat(texts(after.pieces())).containsExactly("\n\nA cat.");
        assertThat(interpreter.finish(null, null).images()).containsExactly("https://files/cat.png");
    }

    @Test
    void anAgentsToolCallIsAStatusLineOnlyWhenThoughtsAreShown() {
        var hidden = interpreter();
        assertThat(hidden.read(new DifyEvent.Thought("I should draw", "dalle3", IDS), now).pieces()).isEmpty();

        showThoughts = true;
        var shown = interpreter();
        var step = shown.read(new DifyEvent.Thought("I should search and draw", "web_search; dalle3", IDS), now);

        assertThat(texts(step.pieces())).containsExactly("> 🔧 web_search, dalle3…");
        assertThat(step.firstText()).as("a status line is not answer text").isFalse();
    }

    @Test
    void anErrorEventEndsTheReplyWithDifysCodeAndItsSentence() {
        var interpreter = interpreter();
        interpreter.read(text("Partial", DifyEvent.Source.MESSAGE), now);

        var step = interpreter.read(new DifyEvent.Failure(400, "completion_request_error", "model failed", IDS), later());

        assertThat(step.end()).isEqualTo(DifyEventInterpreter.End.failed("completion_request_error", false));
        var last = interpreter.finish(step.end().errorCode(), null);
        assertThat(last.error().code()).isEqualTo("completion_request_error");
        assertThat(last.text()).isEqualTo("\n\n" + texts.sentence("completion_request_error"));
        assertThat(interpreter.errorCode()).isEqualTo("completion_request_error");
    }

    @Test
    void anEndWithoutTextOrFileIsAnEmptyAnswer() {
        var interpreter = interpreter();

        var step = interpreter.read(new DifyEvent.End(null, IDS), now);

        var last = interpreter.finish(step.end().errorCode(), step.end().usage());
        assertThat(last.error().code()).isEqualTo(ErrorCodes.EMPTY_ANSWER);
        assertThat(interpreter.errorCode()).isEqualTo(ErrorCodes.EMPTY_ANSWER);
    }

    @Test
    void anOversizedLineOrEventEndsTheReplyAndStopsTheTask() {
        var line = interpreter().read(new DifyEvent.Oversized(StreamLimitException.Limit.LINE, 1024), now);
        var event = interpreter().read(new DifyEvent.Oversized(StreamLimitException.Limit.EVENT, 1024), now);

        assertThat(line.end()).isEqualTo(new DifyEventInterpreter.End(ErrorCodes.DIFY_LINE_TOO_LONG, null, true, "line"));
        assertThat(event.end()).isEqualTo(new DifyEventInterpreter.End(ErrorCodes.DIFY_EVENT_TOO_LARGE, null, true, "event"));
    }

    @Test
    void anAnswerPastItsBoundIsCutOnAWholeCharacterAndEndsTheReply() {
        maxAnswerBytes = 10;
        var interpreter = interpreter();

        var step = interpreter.read(text("12345678🙂!", DifyEvent.Source.MESSAGE), now);

        assertThat(texts(step.pieces())).containsExactly("12345678");
        assertThat(step.end()).isEqualTo(new DifyEventInterpreter.End(ErrorCodes.ANSWER_TOO_LONG, null, true, "answer"));
    }

    @Test
    void anImageCutByTheAnswerBoundIsNotListed() {
        maxAnswerBytes = 12;
        var interpreter = interpreter();

        var step = interpreter.read(new DifyEvent.File("https://files/cat.png", "image", IDS), now);

        assertThat(step.end().errorCode()).isEqualTo(ErrorCodes.ANSWER_TOO_LONG);
        assertThat(interpreter.finish(step.end().errorCode(), null).images()).isEmpty();
    }

    @Test
    void pingsAndOtherEventsOnlyCarryIds() {
        var interpreter = interpreter();

        var ping = interpreter.read(new DifyEvent.Ping(), now);
        var other = interpreter.read(new DifyEvent.Other("node_started", IDS), later());

        assertThat(ping.pieces()).isEmpty();
        assertThat(ping.end()).isNull();
        assertThat(other.pieces()).isEmpty();
        assertThat(other.end()).isNull();
        assertThat(interpreter.taskId()).isEqualTo("task-1");
        assertThat(interpreter.conversationId()).isEqualTo("conv-1");
        assertThat(interpreter.messageId()).isEqualTo("msg-1");
    }

    @Test
    void aStreamClosingWithoutAnEndIsNoTerminalOrAFailedWorkflow() {
        var interpreter = interpreter();
        assertThat(interpreter.closedWithoutEnd()).isEqualTo(ErrorCodes.NO_TERMINAL);

        var step = interpreter.read(new DifyEvent.WorkflowFailed("node failed", IDS), now);

        assertThat(step.end()).as("an error event usually follows").isNull();
        assertThat(interpreter.closedWithoutEnd()).isEqualTo(ErrorCodes.WORKFLOW_FAILED);
    }

    @Test
    void aFailedRequestKeepsDifysCodeAndAnythingElseIsANetworkError() {
        assertThat(DifyEventInterpreter.failureCode(new DifyApiException(429, "too_many_requests", "slow down")))
                .isEqualTo("too_many_requests");
        assertThat(DifyEventInterpreter.failureCode(new IOException("connection reset")))
                .isEqualTo(ErrorCodes.NETWORK_ERROR);
    }

    private DifyEventInterpreter interpreter() {
        return new DifyEventInterpreter(Duration.ofMillis(INTERVAL), 400, maxAnswerBytes, showThoughts, texts);
    }

    private long later() {
        now += INTERVAL;
        return now;
    }

    private static DifyEvent.Text text(String answer, DifyEvent.Source source) {
        return new DifyEvent.Text(answer, source, IDS);
    }

    private static List<String> texts(List<ChunkAssembler.Piece> pieces) {
        return pieces.stream().map(ChunkAssembler.Piece::text).toList();
    }
}
