package io.wecomrelay.llm.images;

import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * The answer's final text once its images are decided: an attached image's Markdown is taken out (the image follows
 * the text), a linked one points at its absolute URL, any other is named by the unavailable note. Pure.
 */
final class ImageText {

    private ImageText() {
    }

    /**
     * One image URL's fate.
     *
     * @param outcome what became of it
     * @param name    what the note calls it
     * @param link    the absolute URL a {@link ImageOutcome#LINKED} image shows
     */
    record Verdict(ImageOutcome outcome, String name, @Nullable String link) {

        // the name and link come from the answer
        @Override
        public String toString() {
            return "Verdict[outcome=" + outcome + "]";
        }
    }

    /**
     * @param refs     the images found in {@code text}, in order
     * @param byUrl    the verdict per URL as written; every ref's URL has one
     * @param noteText the note for an image not shown, with {@code {name}} where its name goes
     */
    static String rewrite(String text, List<MarkdownImages.Ref> refs, Map<String, Verdict> byUrl, String noteText) {
        var out = new StringBuilder(text.length());
        int at = 0;
        for (MarkdownImages.Ref ref : refs) {
            Verdict verdict = byUrl.get(ref.url());
            if (verdict == null) {
                continue;
            }
            out.append(text, at, ref.start());
            at = ref.end();
            switch (verdict.outcome()) {
                case ATTACHED -> at = skipLineEnd(text, out, at);
                case LINKED -> out.append("![").append(ref.alt()).append("](").append(verdict.link()).append(')');
                default -> out.append(noteText.replace("{name}", verdict.name()));
            }
        }
        out.append(text, at, text.length());
        return trim(out);
    }

    /** An image alone on its line leaves no empty line behind. */
    private static int skipLineEnd(String text, StringBuilder out, int at) {
        boolean lineStart = out.isEmpty() || out.charAt(out.length() - 1) == '\n';
        if (lineStart && at < text.length() && text.charAt(at) == '\n') {
            return at + 1;
        }
        return at;
    }

    /** Without the blank lines an image at the start or the end left. */
    private static String trim(StringBuilder text) {
        int start = 0;
        while (start < text.length() && text.charAt(start) == '\n') {
            start++;
        }
        int end = text.length();
        while (end > start && Character.isWhitespace(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(start, end);
    }
}
