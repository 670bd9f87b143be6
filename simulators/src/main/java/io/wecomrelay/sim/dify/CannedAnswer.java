package io.wecomrelay.sim.dify;

import java.util.ArrayList;
import java.util.List;

/** The simulator's answer: it echoes the query (and counts the files) so tests can check the round trip. */
final class CannedAnswer {

    private CannedAnswer() {
    }

    /** Mixes 3-byte CJK and a 4-byte emoji on purpose, to exercise UTF-8 handling downstream. */
    static String forQuery(String query) {
        return "你好！You said: " + query + " —— 这是模拟的回答，This is a simulated Dify answer. 🙂";
    }

    /** The answer to a request that carried {@code fileCount} files: it says how many arrived. */
    static String forQuery(String query, int fileCount) {
        if (fileCount == 0) {
            return forQuery(query);
        }
        return forQuery(query) + " 📎 收到 " + fileCount + " 个文件 / received " + fileCount
                + (fileCount == 1 ? " file." : " files.");
    }

    /** The thinking of {@link Scenario#THINK} and {@link Scenario#REASONING}: several lines, CJK and Markdown. */
    static String reasoningFor(String query) {
        return "用户问的是：" + query + "\n先想一想该怎么回答。\n\nLet me think *step by step*: 1 < 2 > 0.";
    }

    /** What a reasoning model streams for {@code answer}: its thinking in {@code <think>} tags, then the answer. */
    static String withThinkTags(String query, String answer) {
        return "<think>\n" + reasoningFor(query) + "\n</think>\n\n" + answer;
    }

    /**
     * Cuts {@code text} into {@code count} pieces of near-equal length (fewer if the text is
     * shorter), only at code point boundaries: a delta's JSON must never hold half a surrogate pair.
     */
    static List<String> split(String text, int count) {
        var codePoints = text.codePoints().toArray();
        var pieces = Math.max(1, Math.min(count, codePoints.length));
        var result = new ArrayList<String>(pieces);
        for (int i = 0; i < pieces; i++) {
            int from = (int) ((long) codePoints.length * i / pieces);
            int to = (int) ((long) codePoints.length * (i + 1) / pieces);
            result.add(new String(codePoints, from, to - from));
        }
        return result;
    }

    static int codePointCount(String text) {
        return text.codePointCount(0, text.length());
    }
}
