package io.wecomrelay.sim.wecom;

import java.util.ArrayList;
import java.util.List;

/**
 * A stream frame's content as {@code chat} prints it: the {@code <think>…</think>} block a reasoning model's reply
 * starts with (WeCom's client folds it away as the model's thinking; open while only thinking came) apart from the
 * answer, so that the two cannot be told apart only by reading the tags. Thinking lines start with {@code ~ },
 * dimmed on a terminal; answer lines with {@code | }.
 */
final class FrameText {

    static final String THINKING = "~ ";
    static final String ANSWER = "| ";
    private static final String OPEN = "<think>";
    private static final String CLOSE = "</think>";
    private static final String DIM = "\u001b[2m";
    private static final String RESET = "\u001b[0m";

    private FrameText() {
    }

    /** The lines to print for one frame, each starting with {@code prefix} (a conversation's tag, or empty). */
    static List<String> lines(String content, String prefix, boolean dim) {
        var lines = new ArrayList<String>();
        String answer = content;
        if (content.startsWith(OPEN)) {
            int close = content.indexOf(CLOSE, OPEN.length());
            String thinking = close < 0 ? content.substring(OPEN.length()) : content.substring(OPEN.length(), close);
            answer = close < 0 ? "" : content.substring(close + CLOSE.length()).stripLeading();
            String title = close < 0 ? "thinking…" : "thought";
            lines.add(prefix + (dim ? DIM : "") + THINKING + "(" + title + ")" + (dim ? RESET : ""));
            if (!thinking.isBlank()) {
                for (String line : thinking.strip().split("\n", -1)) {
                    lines.add(prefix + (dim ? DIM : "") + THINKING + line + (dim ? RESET : ""));
                }
            }
            if (answer.isEmpty()) {
                return lines;
            }
        }
        for (String line : answer.split("\n", -1)) {
            lines.add(prefix + ANSWER + line);
        }
        return lines;
    }
}
