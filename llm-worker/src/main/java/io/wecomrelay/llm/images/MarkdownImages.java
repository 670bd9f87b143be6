package io.wecomrelay.llm.images;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds Markdown images ({@code ![alt](url)}, {@code ![alt](<url>)}, {@code ![alt](url "title")}) in an answer.
 * Every part is bounded (alt 256 characters, URL 4,096, title 256, at most {@value #MAX_IMAGES} images), so a
 * hostile answer costs linear time. Pure.
 */
final class MarkdownImages {

    /** More are left in the text as they are. */
    static final int MAX_IMAGES = 64;

    private static final Pattern IMAGE = Pattern.compile(
            "!\\[([^\\]\\n]{0,256})]\\(\\s{0,8}(?:<([^>\\n]{1,4096})>|([^)\\s]{1,4096}))"
                    + "(?:\\s{1,8}(?:\"[^\"\\n]{0,256}\"|'[^'\\n]{0,256}'))?\\s{0,8}\\)");

    private MarkdownImages() {
    }

    static List<Ref> find(String text) {
        var refs = new ArrayList<Ref>();
        Matcher matcher = IMAGE.matcher(text);
        while (refs.size() < MAX_IMAGES && matcher.find()) {
            String url = matcher.group(2) != null ? matcher.group(2) : matcher.group(3);
            refs.add(new Ref(matcher.start(), matcher.end(), matcher.group(1).strip(), url.strip()));
        }
        return refs;
    }

    /**
     * One image in the text.
     *
     * @param start where its Markdown starts
     * @param end   where it ends (exclusive)
     * @param alt   its alt text, stripped
     * @param url   as written: absolute, or relative to the Dify app
     */
    record Ref(int start, int end, String alt, String url) {

        // alt text and URL come from the answer (user content; signed URLs carry credentials)
        @Override
        public String toString() {
            return "Ref[start=" + start + ", end=" + end + "]";
        }
    }
}
