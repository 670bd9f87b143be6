package io.wecomrelay.cli.command;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import io.wecomrelay.cli.kafka.Progress;
import io.wecomrelay.cli.output.OutputFormat;
import io.wecomrelay.cli.output.OutputOptions;
import io.wecomrelay.cli.output.Rows;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * A command that prints results: {@code --format} and {@code --quiet} ({@link OutputOptions}), its rows on stdout,
 * progress and complaints on stderr. Picocli fills the fields of this class for every subclass.
 */
public abstract class PrintingCommand implements Callable<Integer> {

    @Spec
    protected CommandSpec spec;

    @Mixin
    protected OutputOptions output;

    /** Rows on stdout in the chosen format. */
    protected Rows rows() {
        return output.rows(spec.commandLine().getOut());
    }

    /** Progress lines on stderr; none with {@code --quiet}. */
    protected Progress progress() {
        return output.progress(err());
    }

    protected PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** True for {@code --format jsonl}: every field of a row, not only the ones people read. */
    protected boolean forMachines() {
        return output.format() == OutputFormat.JSONL;
    }

    /** A usage error (exit code 2) about this command's arguments. */
    protected ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
