package io.wecomrelay.schemas.text;

import java.util.regex.Pattern;

/** Recognizes fenced code block lines (three backticks after at most three spaces). */
public final class Fences {

    public static final String CLOSE = "```";
    private static final Pattern FENCE = Pattern.compile("^ {0,3}```");

    private Fences() {
    }

    public static boolean isFence(String line) {
        return FENCE.matcher(line).find();
    }

    /** True when {@code text} ends inside a fenced code block (an odd number of fence lines). */
    public static boolean openAtEnd(String text) {
        int fences = 0;
        for (String line : text.split("\n", -1)) {
            if (isFence(line)) {
                fences++;
            }
        }
        return fences % 2 == 1;
    }
}
