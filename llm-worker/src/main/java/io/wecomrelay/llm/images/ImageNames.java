package io.wecomrelay.llm.images;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/**
 * What the text calls an image it cannot show: its alt text, else the last segment of its URL's path (never the
 * query, which may hold a signature), else "image N". Markdown's brackets and line breaks are taken out, and the
 * name is at most {@value #MAX_CHARS} characters. Pure.
 */
final class ImageNames {

    static final int MAX_CHARS = 60;

    /** Alt texts that say nothing: Dify's own for {@code message_file} images, and the usual placeholders. */
    private static final Set<String> GENERIC = Set.of("", "image", "img", "picture", "图片", "图像");

    private ImageNames() {
    }

    /** @param number the image's place in the answer, from 1 */
    static String of(String alt, String url, int number) {
        String name = GENERIC.contains(alt.strip().toLowerCase(Locale.ROOT)) ? fileName(url) : alt;
        name = clean(name);
        return name.isEmpty() ? "image " + number : name;
    }

    private static String fileName(String url) {
        String path = url;
        int cut = indexOfAny(path, "?#");
        if (cut >= 0) {
            path = path.substring(0, cut);
        }
        String last = path.substring(path.lastIndexOf('/') + 1);
        try {
            return URLDecoder.decode(last.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return last;
        }
    }

    private static String clean(String name) {
        var out = new StringBuilder();
        name.codePoints()
                .filter(c -> !Character.isISOControl(c) && "[]()<>`*_\\|".indexOf(c) < 0)
                .forEach(c -> {
                    if (out.codePointCount(0, out.length()) < MAX_CHARS) {
                        out.appendCodePoint(c);
                    }
                });
        return out.toString().strip();
    }

    private static int indexOfAny(String text, String chars) {
        for (int i = 0; i < text.length(); i++) {
            if (chars.indexOf(text.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }
}
