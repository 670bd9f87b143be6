package io.wecomrelay.cli.output;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.wecomrelay.schemas.event.EventSerde;
import org.jspecify.annotations.Nullable;

/**
 * Prints rows of named cells in the chosen format. A table is printed when {@link #flush()} is called (its widths
 * depend on every row); JSON lines are printed as they come, so a long export streams. In tables and Markdown a
 * cell is one line, cut at {@link #CELL_LIMIT} characters; JSON lines carry every value whole.
 */
public final class Rows {

    static final int CELL_LIMIT = 120;

    private final PrintWriter out;
    private final OutputFormat format;
    private final List<String> columns = new ArrayList<>();
    private final List<Map<String, @Nullable Object>> pending = new ArrayList<>();
    private int printed;

    Rows(PrintWriter out, OutputFormat format) {
        this.out = out;
        this.format = format;
    }

    /** A row builder: cells in column order. */
    public static Map<String, @Nullable Object> row() {
        return new LinkedHashMap<>();
    }

    public void add(Map<String, @Nullable Object> row) {
        printed++;
        if (format == OutputFormat.JSONL) {
            out.println(EventSerde.mapper().writeValueAsString(row));
            return;
        }
        row.keySet().forEach(column -> {
            if (!columns.contains(column)) {
                columns.add(column);
            }
        });
        pending.add(row);
    }

    /** A heading above the next table (people's formats only). */
    public void heading(String text) {
        if (format == OutputFormat.JSONL) {
            return;
        }
        flush();
        out.println(format == OutputFormat.MARKDOWN ? "### " + text : "== " + text);
        out.println();
    }

    /** How many rows were added. */
    public int count() {
        return printed;
    }

    public void flush() {
        if (!pending.isEmpty()) {
            if (format == OutputFormat.MARKDOWN) {
                markdown();
            } else {
                table();
            }
            out.println();
            pending.clear();
            columns.clear();
        }
        out.flush();
    }

    private void table() {
        int[] widths = new int[columns.size()];
        for (int c = 0; c < columns.size(); c++) {
            widths[c] = columns.get(c).length();
            for (Map<String, @Nullable Object> row : pending) {
                widths[c] = Math.max(widths[c], cell(row.get(columns.get(c))).length());
            }
        }
        line(columns, widths);
        var rule = new ArrayList<String>();
        for (int width : widths) {
            rule.add("-".repeat(width));
        }
        line(rule, widths);
        for (Map<String, @Nullable Object> row : pending) {
            line(columns.stream().map(column -> cell(row.get(column))).toList(), widths);
        }
    }

    private void line(List<String> cells, int[] widths) {
        var text = new StringBuilder();
        for (int c = 0; c < cells.size(); c++) {
            String value = cells.get(c);
            text.append(value);
            if (c < cells.size() - 1) {
                text.append(" ".repeat(widths[c] - value.length() + 2));
            }
        }
        out.println(text.toString().stripTrailing());
    }

    private void markdown() {
        out.println("| " + String.join(" | ", columns) + " |");
        out.println("|" + "---|".repeat(columns.size()));
        for (Map<String, @Nullable Object> row : pending) {
            out.println("| " + String.join(" | ", columns.stream()
                    .map(column -> cell(row.get(column)).replace("|", "\\|")).toList()) + " |");
        }
    }

    static String cell(@Nullable Object value) {
        String text = value == null ? "" : Objects.toString(value);
        text = text.replace("\r", "").replace('\n', '⏎').replace('\t', ' ');
        return text.length() > CELL_LIMIT ? text.substring(0, CELL_LIMIT - 1) + "…" : text;
    }
}
