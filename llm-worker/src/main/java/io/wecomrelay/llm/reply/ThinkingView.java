package io.wecomrelay.llm.reply;

import java.util.List;

import io.wecomrelay.schemas.bot.ReasoningDisplay;
import io.wecomrelay.schemas.text.ThinkBlock;

/**
 * Where a reasoning model's thinking goes in one reply: split off the answer text ({@link ThinkTags}), shown above the
 * answer while it streams (WeCom's thinking block from {@link ReasoningSection}, as the {@link ChunkAssembler}'s
 * preface: open while only thinking came, closed once the answer starts), and dropped or kept at the end by the
 * bot's {@link ReasoningDisplay}. The answer always keeps WeCom's whole limit: the thinking is shown
 * only in what the answer leaves of it. Pure; not thread-safe.
 */
final class ThinkingView {

    private static final String SEPARATOR = "\n\n";

    private final ThinkTags tags = new ThinkTags();
    private final ReasoningSection section;
    private final ReasoningDisplay display;
    private final long displayBytes;
    /** The open thinking block while it is shown above the answer; empty when it is not. */
    private String shown = "";
    private long shownBytes;
    /** A {@code <think>} block or a reasoning event came, even an empty one. */
    private boolean seen;

    ThinkingView(DifyEventInterpreter.Rules rules) {
        this.section = new ReasoningSection(rules.reasoningTitle(), rules.shownBytes(), rules.displayBytes());
        this.display = rules.reasoning();
        this.displayBytes = rules.displayBytes();
    }

    /** The thinking and answer runs that {@code text} completes. */
    List<ThinkTags.Segment> split(String text) {
        return tags.feed(text);
    }

    /** What was kept back at the end of the stream as a possible tag start. */
    List<ThinkTags.Segment> rest() {
        return tags.finish();
    }

    /** Thinking: kept for the final text, and shown until the answer starts. */
    List<ChunkAssembler.Piece> add(String thinking, ChunkAssembler answer, long now) {
        seen = true;
        section.add(thinking);
        if (answer.hasText() || section.isBlank()) {
            // an empty <think></think> shows no title; thinking amid the answer is only kept
            return List.of();
        }
        shown = section.streaming();
        shownBytes = Utf8Bounds.length(shown) + ThinkBlock.CLOSE.length() + SEPARATOR.length();
        answer.preface(shown);
        return answer.sendIfDue(now);
    }

    /** Answer text as it goes in: the blank lines between {@code </think>} and the answer are not part of it. */
    String answerText(String segment, ChunkAssembler answer) {
        return answer.hasText() || !seen ? segment : withoutLeadingLines(segment);
    }

    /**
     * The answer of a whole text (New Agent's closing message, a workflow's output), whose thinking is kept when none
     * came before.
     */
    String whole(String text) {
        var parts = ThinkTags.split(text);
        if (!parts.reasoning().isEmpty() && section.isBlank()) {
            seen = true;
            section.add(parts.reasoning());
        }
        return text.contains("</think>") ? withoutLeadingLines(parts.answer()) : parts.answer();
    }

    /** Called before the answer changes: the thinking block, if shown, is closed and stays above it. */
    void beforeAnswer(ChunkAssembler answer) {
        if (!answer.hasText() && !shown.isEmpty()) {
            answer.preface(shown + ThinkBlock.CLOSE + SEPARATOR);
        }
    }

    /** Called after the answer changed: once the thinking and the answer would pass WeCom's limit, the thinking goes. */
    List<ChunkAssembler.Piece> afterAnswer(ChunkAssembler answer, long now) {
        if (shown.isEmpty() || shownBytes + answer.answerBytes() <= displayBytes) {
            return List.of();
        }
        shown = "";
        answer.preface("");
        return answer.sendIfDue(now);
    }

    /**
     * Sets what stays above the answer in the final text: nothing, or as much thinking as the answer and the note
     * after it ({@code noteBytes}) leave room for.
     */
    void finish(ChunkAssembler answer, long noteBytes) {
        if (display == ReasoningDisplay.HIDE) {
            answer.preface("");
            return;
        }
        String kept = section.kept(displayBytes - answer.answerBytes() - noteBytes - SEPARATOR.length());
        answer.preface(kept.isEmpty() ? "" : kept + SEPARATOR);
    }

    /** Thinking kept back at the end of the stream (what looked like a tag's start): for the final text only. */
    void keep(String thinking) {
        seen = true;
        section.add(thinking);
    }

    private static String withoutLeadingLines(String text) {
        int start = 0;
        while (start < text.length() && (text.charAt(start) == '\n' || text.charAt(start) == '\r')) {
            start++;
        }
        return text.substring(start);
    }
}
