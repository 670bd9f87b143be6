package io.wecomrelay.llm.reply;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a reasoning model's streamed answer into its thinking ({@code <think>…</think>}) and the answer proper.
 * The tags may be cut anywhere across deltas: a delta that ends with what could be the start of a tag
 * ({@code <}, {@code </thi}, ...) keeps that start back until the next delta tells. Every block counts, wherever it
 * is; an unclosed {@code <think>} makes the rest thinking. Pure; not thread-safe.
 */
final class ThinkTags {

    private static final String OPEN = "<think>";
    private static final String CLOSE = "</think>";

    /** A run of text that is all thinking or all answer. */
    record Segment(boolean reasoning, String text) {
        // the model's words are user content
        @Override
        public String toString() {
            return "Segment[reasoning=" + reasoning + ", text=<" + text.length() + " chars>]";
        }
    }

    /** What both parts of a whole text are (a replacement, a workflow's output). */
    record Parts(String reasoning, String answer) {
        @Override
        public String toString() {
            return "Parts[reasoning=<" + reasoning.length() + " chars>, answer=<" + answer.length() + " chars>]";
        }
    }

    private final StringBuilder held = new StringBuilder();
    private boolean inside;

    /** The segments {@code delta} completes, in order; empty ones are left out. */
    List<Segment> feed(String delta) {
        var out = new ArrayList<Segment>(2);
        String text = held.isEmpty() ? delta : held + delta;
        held.setLength(0);
        int from = 0;
        while (from < text.length()) {
            String tag = inside ? CLOSE : OPEN;
            int at = text.indexOf(tag, from);
            if (at >= 0) {
                add(out, text.substring(from, at));
                inside = !inside;
                from = at + tag.length();
                continue;
            }
            int keep = partialTag(text, from, tag);
            add(out, text.substring(from, text.length() - keep));
            held.append(text, text.length() - keep, text.length());
            break;
        }
        return out;
    }

    /** What was kept back at the end of the stream: not a tag after all. */
    List<Segment> finish() {
        var out = new ArrayList<Segment>(1);
        add(out, held.toString());
        held.setLength(0);
        return out;
    }

    /** Splits a whole text. */
    static Parts split(String whole) {
        var tags = new ThinkTags();
        var reasoning = new StringBuilder();
        var answer = new StringBuilder();
        var segments = new ArrayList<>(tags.feed(whole));
        segments.addAll(tags.finish());
        for (Segment segment : segments) {
            (segment.reasoning() ? reasoning : answer).append(segment.text());
        }
        return new Parts(reasoning.toString(), answer.toString());
    }

    private void add(List<Segment> out, String text) {
        if (!text.isEmpty()) {
            out.add(new Segment(inside, text));
        }
    }

    /** The length of the longest end of {@code text} (from {@code from} on) that starts {@code tag}. */
    private static int partialTag(String text, int from, String tag) {
        int longest = Math.min(tag.length() - 1, text.length() - from);
        for (int length = longest; length > 0; length--) {
            if (text.startsWith(tag.substring(0, length), text.length() - length)) {
                return length;
            }
        }
        return 0;
    }
}
