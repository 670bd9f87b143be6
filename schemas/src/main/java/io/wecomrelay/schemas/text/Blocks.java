package io.wecomrelay.schemas.text;

import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * Follows markdown line by line to know whether the text so far ends inside a fenced code block or a table,
 * and what a following part must start with to go on rendering the same block: the fence's opening line
 * (language tag included), or the table's header and separator rows (a table part without them is not a table).
 */
final class Blocks {

    private static final Pattern SEPARATOR = Pattern.compile("^\\s*\\|?\\s*:?-{1,}:?\\s*(\\|\\s*:?-{1,}:?\\s*)*\\|?\\s*$");
    private static final Pattern HEADING = Pattern.compile("^ {0,3}#{1,6}(\\s|$)");

    private @Nullable String openFence;
    private @Nullable String tableHeader;
    private @Nullable String previous;

    static boolean isHeading(String line) {
        return HEADING.matcher(line).find();
    }

    static boolean isTableRow(String line) {
        return line.indexOf('|') >= 0 && !line.isBlank();
    }

    void accept(String line) {
        if (openFence != null) {
            if (Fences.isFence(line)) {
                openFence = null;
            }
            previous = null;
            return;
        }
        if (Fences.isFence(line)) {
            openFence = line;
            tableHeader = null;
            previous = null;
            return;
        }
        if (tableHeader != null && !isTableRow(line)) {
            tableHeader = null;
        }
        if (tableHeader == null && previous != null && isTableRow(previous) && line.contains("-")
                && SEPARATOR.matcher(line).matches()) {
            tableHeader = previous + "\n" + line;
        }
        previous = line;
    }

    /** Whether the text would end inside a fenced block after {@code line}, without taking it. */
    boolean inFenceAfter(String line) {
        return openFence == null ? Fences.isFence(line) : !Fences.isFence(line);
    }

    boolean inFence() {
        return openFence != null;
    }

    /** What a part that goes on from here starts with: the open fence's opening line, the table's header, or null. */
    @Nullable String reopening() {
        return openFence != null ? openFence : tableHeader;
    }
}
