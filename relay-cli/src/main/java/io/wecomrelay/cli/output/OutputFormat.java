package io.wecomrelay.cli.output;

import java.util.Locale;

/** For people (an aligned table, Markdown) or for machines (one JSON object per line). */
public enum OutputFormat {
    TABLE, MARKDOWN, JSONL;

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
