package io.wecomrelay.cli.output;

import java.io.PrintWriter;

import io.wecomrelay.cli.kafka.Progress;
import picocli.CommandLine.Option;

/** {@code --format} and {@code --quiet}, mixed into every command that prints results. */
public final class OutputOptions {

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table", converter = FormatConverter.class,
            description = "table (default), markdown, or jsonl (one JSON object per line, for scripts).")
    OutputFormat format = OutputFormat.TABLE;

    @Option(names = {"-q", "--quiet"}, description = "No progress lines on stderr.")
    boolean quiet;

    public Rows rows(PrintWriter out) {
        return new Rows(out, format);
    }

    public Progress progress(PrintWriter err) {
        return quiet ? Progress.NONE : new Progress(err);
    }

    public OutputFormat format() {
        return format;
    }

    static final class FormatConverter implements picocli.CommandLine.ITypeConverter<OutputFormat> {
        @Override
        public OutputFormat convert(String value) {
            return OutputFormat.valueOf(value.toUpperCase(java.util.Locale.ROOT));
        }
    }
}
